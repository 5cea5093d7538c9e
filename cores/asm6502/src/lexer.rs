//! Splits one source line into tokens.

use crate::error::ErrorKind;

/// A token's kind and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A name: a label, mnemonic, register, directive (`.byte`) or local label
    /// (`.loop`, `@loop`). The text is kept as written.
    Ident(String),
    /// A number or character literal.
    Num(i64),
    /// A string literal, already turned into bytes (ASCII, escapes resolved).
    Str(Vec<u8>),
    /// One of `# , ( ) < > + - * / = :`.
    Punct(char),
}

/// A token and the column (from 1, in characters) where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub col: u32,
}

impl Token {
    /// Whether the token is the punctuation `c`.
    pub fn is(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Num(n) => format!("number {n}"),
            Tok::Str(_) => "string".to_string(),
            Tok::Punct(c) => format!("`{c}`"),
        }
    }
}

/// A lexing failure: the column and what went wrong.
pub(crate) type LexError = (u32, ErrorKind);

fn syntax(col: u32, text: impl Into<String>) -> LexError {
    (col, ErrorKind::Syntax(text.into()))
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Tokenizes `line` (without its line terminator). A `;` outside a literal starts a
/// comment that runs to the end of the line.
pub(crate) fn lex_line(line: &str) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if c == ';' {
            break;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_ident_start(c) || ((c == '.' || c == '@') && chars.get(i + 1).is_some()) {
            if !is_ident_start(c) && !chars.get(i + 1).is_some_and(|&n| is_ident_start(n)) {
                return Err(syntax(col, format!("expected a name after `{c}`")));
            }
            let start = i;
            i += 1;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            tokens.push(Token {
                tok: Tok::Ident(chars[start..i].iter().collect()),
                col,
            });
            continue;
        }
        match c {
            '0'..='9' => {
                let (value, next) = number(&chars, i, 10, col)?;
                tokens.push(Token {
                    tok: Tok::Num(value),
                    col,
                });
                i = next;
            }
            '$' => {
                let (value, next) = number(&chars, i + 1, 16, col)?;
                tokens.push(Token {
                    tok: Tok::Num(value),
                    col,
                });
                i = next;
            }
            '%' => {
                let (value, next) = number(&chars, i + 1, 2, col)?;
                tokens.push(Token {
                    tok: Tok::Num(value),
                    col,
                });
                i = next;
            }
            '\'' => {
                let (byte, next) = literal_char(&chars, i + 1, '\'', col)?;
                let Some(byte) = byte else {
                    return Err(syntax(col, "empty character literal"));
                };
                if chars.get(next) != Some(&'\'') {
                    return Err(syntax(col, "character literal needs a closing `'`"));
                }
                tokens.push(Token {
                    tok: Tok::Num(i64::from(byte)),
                    col,
                });
                i = next + 1;
            }
            '"' => {
                let mut bytes = Vec::new();
                let mut j = i + 1;
                loop {
                    let (byte, next) = literal_char(&chars, j, '"', col)?;
                    match byte {
                        Some(b) => bytes.push(b),
                        None => break,
                    }
                    j = next;
                }
                // `literal_char` returns `None` only on the closing quote.
                tokens.push(Token {
                    tok: Tok::Str(bytes),
                    col,
                });
                i = j + 1;
            }
            '#' | ',' | '(' | ')' | '<' | '>' | '+' | '-' | '*' | '/' | '=' | ':' => {
                tokens.push(Token {
                    tok: Tok::Punct(c),
                    col,
                });
                i += 1;
            }
            other => {
                return Err(syntax(col, format!("unexpected character `{other}`")));
            }
        }
    }
    Ok(tokens)
}

/// Reads digits in `radix` starting at `start`; returns the value and the next index.
fn number(chars: &[char], start: usize, radix: u32, col: u32) -> Result<(i64, usize), LexError> {
    let mut i = start;
    let mut value: i64 = 0;
    while let Some(digit) = chars.get(i).and_then(|c| c.to_digit(radix)) {
        value = value
            .checked_mul(i64::from(radix))
            .and_then(|v| v.checked_add(i64::from(digit)))
            .filter(|v| *v <= i64::from(u32::MAX))
            .ok_or_else(|| syntax(col, "number too large"))?;
        i += 1;
    }
    if i == start {
        let what = match radix {
            16 => "hex digits after `$`",
            2 => "binary digits after `%`",
            _ => "digits",
        };
        return Err(syntax(col, format!("expected {what}")));
    }
    if chars.get(i).is_some_and(|&c| is_ident_char(c)) {
        return Err(syntax(col, format!("bad digit `{}` in number", chars[i])));
    }
    Ok((value, i))
}

/// Reads one character of a literal at `i`. Returns `None` for the closing `quote`,
/// otherwise the byte and the next index. Escapes: `\\ \" \' \n \r \0 \xNN`.
fn literal_char(
    chars: &[char],
    i: usize,
    quote: char,
    col: u32,
) -> Result<(Option<u8>, usize), LexError> {
    let Some(&c) = chars.get(i) else {
        return Err(syntax(col, format!("missing closing `{quote}`")));
    };
    if c == quote {
        return Ok((None, i));
    }
    if c == '\\' {
        let Some(&e) = chars.get(i + 1) else {
            return Err(syntax(col, format!("missing closing `{quote}`")));
        };
        let byte = match e {
            '\\' => b'\\',
            '"' => b'"',
            '\'' => b'\'',
            'n' => b'\n',
            'r' => b'\r',
            '0' => 0,
            'x' => {
                let hex: String = chars.iter().skip(i + 2).take(2).collect();
                return match u8::from_str_radix(&hex, 16) {
                    Ok(b) if hex.len() == 2 && hex.chars().all(|h| h.is_ascii_hexdigit()) => {
                        Ok((Some(b), i + 4))
                    }
                    _ => Err(syntax(col, "`\\x` needs two hex digits")),
                };
            }
            other => return Err(syntax(col, format!("unknown escape `\\{other}`"))),
        };
        return Ok((Some(byte), i + 2));
    }
    if !c.is_ascii() || c.is_ascii_control() {
        return Err(syntax(
            col,
            format!("character `{}` is not printable ASCII", c.escape_default()),
        ));
    }
    Ok((Some(c as u8), i + 1))
}
