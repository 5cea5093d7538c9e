//! The BASIC type-in loader: DATA bytes equal the program, checksums hold, lines fit a
//! C64 logical line, and the listing really loads (or rejects a typo) when run by a
//! small interpreter for the BASIC V2 statements it uses.

use std::collections::HashMap;

use heirloom_asm6502::{
    Assembly, BYTES_PER_LINE, LoaderError, MemoryLoader, assemble, basic_loader, checksum,
};

fn program(source: &str) -> Assembly {
    assemble("p.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// A 45-byte program at $c000 with its entry at `main`.
fn sample() -> Assembly {
    program(
        "* = $c000
table:  .byte 0, 2, 5, 6, 7, 8, 9, 10, 11, 12
main:   ldx #9
.loop:  lda table,x
        sta $d020
        ldy #0
.wait:  dey
        bne .wait
        dex
        bpl .loop
        rts
        .byte 255, 254, 253, 128, 127, 1, 0, 99, 100, 101, 200, 201, 210, 222
",
    )
}

/// Splits a listing into (line number, text after the number).
fn lines(listing: &str) -> Vec<(u32, &str)> {
    listing
        .lines()
        .map(|line| {
            let (number, rest) = line.split_once(' ').expect("line number and text");
            (number.parse().expect("numeric line number"), rest)
        })
        .collect()
}

#[test]
fn listing_matches_the_documented_example() {
    let p = program("* = 49152\n lda #1\n sta $d020\n sta $d021\n rts\n");
    let listing = basic_loader(&p, 49152).unwrap();
    assert_eq!(
        listing,
        "\
10 REM LOADER: 9 BYTES AT 49152, SYS 49152
20 A=49152:N=9:L=1000
30 C=8:IF N<8 THEN C=N
40 S=0:FOR I=1 TO C:READ B:IF B<0 OR B>255 THEN 80
50 S=S+B*I:POKE A,B:A=A+1:NEXT:READ K:IF K<>S THEN 80
60 N=N-C:L=L+10:IF N>0 THEN 30
70 PRINT \"OK\":SYS 49152:END
80 PRINT \"ERROR IN LINE\";L:END
1000 DATA 169,1,141,32,208,141,33,208,4503
1010 DATA 96,96
"
    );
}

#[test]
fn data_lines_hold_the_program_with_valid_checksums() {
    let p = sample();
    let entry = p.address_of("main").unwrap();
    let listing = basic_loader(&p, entry).unwrap();
    let mut data = Vec::new();
    let mut previous = 0;
    let mut data_lines = 0;
    for (number, text) in lines(&listing) {
        assert!(number > previous && number <= 63999, "line numbers ascend");
        previous = number;
        let full = format!("{number} {text}");
        assert!(full.len() <= 80, "longer than a logical line: {full}");
        assert!(
            !full.chars().any(|c| c.is_ascii_lowercase()),
            "lower case: {full}"
        );
        assert!(full.is_ascii());
        let Some(values) = text.strip_prefix("DATA ") else {
            continue;
        };
        data_lines += 1;
        assert_eq!(number, 1000 + 10 * (data_lines - 1));
        let values: Vec<u32> = values.split(',').map(|v| v.parse().unwrap()).collect();
        let (sum, bytes) = values.split_last().unwrap();
        assert!(bytes.len() <= BYTES_PER_LINE && !bytes.is_empty());
        let bytes: Vec<u8> = bytes.iter().map(|&b| u8::try_from(b).unwrap()).collect();
        let weighted: u32 = bytes.iter().zip(1..).map(|(&b, i)| u32::from(b) * i).sum();
        assert_eq!(*sum, weighted);
        assert_eq!(*sum, checksum(&bytes));
        data.extend(bytes);
    }
    assert_eq!(data, p.bytes);
    assert_eq!(data_lines as usize, p.bytes.len().div_ceil(BYTES_PER_LINE));
    assert!(listing.contains(&format!("SYS {entry}:END")));
}

#[test]
fn listing_loads_the_program_when_run() {
    let p = sample();
    let entry = p.address_of("main").unwrap();
    let listing = basic_loader(&p, entry).unwrap();
    let run = Basic::run(&listing);
    assert_eq!(run.output, "OK\n");
    assert_eq!(run.sys, Some(u32::from(entry)));
    let start = usize::from(p.load_address);
    assert_eq!(&run.memory[start..start + p.bytes.len()], &p.bytes[..]);
    // Nothing outside the program was touched.
    assert_eq!(run.pokes, p.bytes.len());
}

#[test]
fn mistyped_lines_are_reported_by_number() {
    let p = sample();
    let listing = basic_loader(&p, 0xc00a).unwrap();
    // Change one byte, swap two bytes, and type an impossible value, each in line 1030.
    let line_1030 = listing.lines().find(|l| l.starts_with("1030 ")).unwrap();
    let values: Vec<&str> = line_1030[10..].split(',').collect();
    let mut changed = values.clone();
    let bumped = (values[2].parse::<u32>().unwrap() + 1).to_string();
    changed[2] = &bumped;
    let mut swapped = values.clone();
    swapped.swap(0, 1);
    assert_ne!(values[0], values[1], "the swap must change the line");
    let mut huge = values.clone();
    huge[0] = "300";
    for bad in [changed, swapped, huge] {
        let typo = listing.replace(line_1030, &format!("1030 DATA {}", bad.join(",")));
        let run = Basic::run(&typo);
        assert_eq!(run.output, "ERROR IN LINE 1030 \n", "{typo}");
        assert_eq!(run.sys, None);
    }
}

#[test]
fn refuses_programs_it_cannot_load() {
    let empty = program("* = $c000\n");
    assert_eq!(basic_loader(&empty, 0xc000), Err(LoaderError::Empty));
    let over_basic = program("* = $0900\n .fill 16, $ea\n");
    let err = basic_loader(&over_basic, 0x0900).unwrap_err();
    assert!(
        matches!(err, LoaderError::Overlap { start: 0x0900, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "the program ($0900-$090f) would overwrite the screen or the loader's own BASIC text and variables while the loader runs"
    );
    let zero_page = program("* = $00fb\n .byte 1, 2\n");
    assert!(matches!(
        basic_loader(&zero_page, 0xfb),
        Err(LoaderError::Overlap { .. })
    ));
    let io = program("* = $cffe\n .byte 1, 2, 3\n");
    assert!(matches!(
        basic_loader(&io, 0xcffe),
        Err(LoaderError::Overlap { .. })
    ));
    // The cassette buffer at 828 is the classic home for small type-ins.
    let tape = program("* = 828\n inc $d020\n rts\n");
    assert!(basic_loader(&tape, 828).is_ok());
    let huge = program("* = $1000\n .fill 50401\n");
    assert!(matches!(
        basic_loader(&huge, 0x1000),
        Err(LoaderError::TooLarge { .. })
    ));
}

/// What a run of the listing did.
struct Run {
    output: String,
    memory: Vec<u8>,
    pokes: usize,
    sys: Option<u32>,
}

/// An interpreter for the subset of BASIC V2 the loader uses: `REM`, `DATA`, `READ`,
/// assignments, `IF … THEN line|statement`, `FOR … TO`/`NEXT`, `POKE`, `PRINT` with
/// string literals and numbers, `SYS` (which stops the run) and `END`. Numbers print as
/// BASIC prints them: a sign position (space for positive) and a trailing space.
struct Basic {
    lines: Vec<(u32, Vec<String>)>,
    vars: HashMap<char, f64>,
    data: Vec<f64>,
    data_pos: usize,
    run: Run,
}

impl Basic {
    fn run(listing: &str) -> Run {
        let mut lines = Vec::new();
        let mut data = Vec::new();
        for line in listing.lines() {
            let (number, text) = line.split_once(' ').unwrap();
            if let Some(values) = text.strip_prefix("DATA ") {
                data.extend(values.split(',').map(|v| v.parse::<f64>().unwrap()));
            }
            let statements = text.split(':').map(str::to_string).collect();
            lines.push((number.parse().unwrap(), statements));
        }
        let mut basic = Basic {
            lines,
            vars: HashMap::new(),
            data,
            data_pos: 0,
            run: Run {
                output: String::new(),
                memory: vec![0; 0x10000],
                pokes: 0,
                sys: None,
            },
        };
        basic.execute();
        basic.run
    }

    fn goto(&self, number: u32) -> usize {
        self.lines
            .iter()
            .position(|(n, _)| *n == number)
            .expect("target line exists")
    }

    fn execute(&mut self) {
        let mut fors: Vec<(char, f64, usize, usize)> = Vec::new();
        let (mut line, mut stmt) = (0usize, 0usize);
        let mut steps = 0;
        while line < self.lines.len() {
            steps += 1;
            assert!(steps < 1_000_000, "loader does not terminate");
            if stmt >= self.lines[line].1.len() {
                line += 1;
                stmt = 0;
                continue;
            }
            let mut text = self.lines[line].1[stmt].clone();
            stmt += 1;
            // `IF cond THEN x`: a line number jumps, a statement runs in place.
            if let Some(rest) = text.strip_prefix("IF ") {
                let (cond, then) = rest.split_once(" THEN ").unwrap();
                if self.eval(cond) == 0.0 {
                    line += 1;
                    stmt = 0;
                    continue;
                }
                if let Ok(target) = then.parse::<u32>() {
                    line = self.goto(target);
                    stmt = 0;
                    continue;
                }
                text = then.to_string();
            }
            let word = text.split(' ').next().unwrap();
            match word {
                "REM" | "DATA" => {
                    line += 1;
                    stmt = 0;
                }
                "END" => return,
                "SYS" => {
                    self.run.sys = Some(self.eval(&text[4..]) as u32);
                    return;
                }
                "READ" => {
                    let var = text[5..].chars().next().unwrap();
                    let value = self.data[self.data_pos];
                    self.data_pos += 1;
                    self.vars.insert(var, value);
                }
                "POKE" => {
                    let (address, value) = text[5..].split_once(',').unwrap();
                    let (address, value) = (self.eval(address), self.eval(value));
                    assert!((0.0..=65535.0).contains(&address) && (0.0..=255.0).contains(&value));
                    self.run.memory[address as usize] = value as u8;
                    self.run.pokes += 1;
                }
                "PRINT" => {
                    for part in text[6..].split(';') {
                        if let Some(s) = part.strip_prefix('"') {
                            self.run.output.push_str(s.trim_end_matches('"'));
                        } else {
                            let v = self.eval(part);
                            let sign = if v < 0.0 { "-" } else { " " };
                            self.run.output.push_str(&format!("{sign}{} ", v.abs()));
                        }
                    }
                    self.run.output.push('\n');
                }
                "FOR" => {
                    let (assign, limit) = text[4..].split_once(" TO ").unwrap();
                    let (var, start) = assign.split_once('=').unwrap();
                    let var = var.chars().next().unwrap();
                    let start = self.eval(start);
                    self.vars.insert(var, start);
                    fors.push((var, self.eval(limit), line, stmt));
                }
                "NEXT" => {
                    let &(var, limit, for_line, for_stmt) = fors.last().expect("NEXT without FOR");
                    let value = self.vars[&var] + 1.0;
                    self.vars.insert(var, value);
                    if value <= limit {
                        (line, stmt) = (for_line, for_stmt);
                    } else {
                        fors.pop();
                    }
                }
                _ => {
                    let (var, value) = text.split_once('=').expect("assignment");
                    assert_eq!(var.len(), 1, "single-letter variable: {text}");
                    let value = self.eval(value);
                    self.vars.insert(var.chars().next().unwrap(), value);
                }
            }
        }
    }

    /// Evaluates `OR` of comparisons of sums of products of numbers and variables.
    fn eval(&self, expr: &str) -> f64 {
        if let Some((a, b)) = expr.split_once(" OR ") {
            let truth = self.eval(a) != 0.0 || self.eval(b) != 0.0;
            return if truth { -1.0 } else { 0.0 };
        }
        for op in ["<>", "<=", ">=", "<", ">", "="] {
            if let Some((a, b)) = expr.split_once(op) {
                let (a, b) = (self.eval(a), self.eval(b));
                let truth = match op {
                    "<>" => a != b,
                    "<=" => a <= b,
                    ">=" => a >= b,
                    "<" => a < b,
                    ">" => a > b,
                    _ => a == b,
                };
                return if truth { -1.0 } else { 0.0 };
            }
        }
        let expr = expr.trim();
        if let Some(pos) = expr.rfind(['+', '-']).filter(|&p| p > 0) {
            let (a, b) = (self.eval(&expr[..pos]), self.eval(&expr[pos + 1..]));
            return if &expr[pos..=pos] == "+" {
                a + b
            } else {
                a - b
            };
        }
        if let Some((a, b)) = expr.rsplit_once('*') {
            return self.eval(a) * self.eval(b);
        }
        match expr.parse::<f64>() {
            Ok(n) => n,
            Err(_) => {
                assert_eq!(expr.len(), 1, "variable expected: {expr}");
                self.vars
                    .get(&expr.chars().next().unwrap())
                    .copied()
                    .unwrap_or(0.0)
            }
        }
    }
}
