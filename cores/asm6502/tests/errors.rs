//! Errors: message and file:line:column, several reported at once, and no panic on any
//! input.

use heirloom_asm6502::{ErrorKind, Errors, MemoryLoader, assemble};

fn errors_with(loader: &MemoryLoader, source: &str) -> Errors {
    match assemble("main.s", source, loader) {
        Ok(program) => panic!("expected errors, assembled {:02x?}", program.bytes),
        Err(errors) => errors,
    }
}

fn errors(source: &str) -> Errors {
    errors_with(&MemoryLoader::new(), source)
}

/// The single error's `file:line:col: message`.
fn only_error(source: &str) -> String {
    let errors = errors(source);
    assert_eq!(errors.len(), 1, "{errors}");
    errors.to_string()
}

#[test]
fn undefined_label() {
    assert_eq!(
        only_error("* = $1000\n  jmp nowhere\n"),
        "main.s:2:7: undefined symbol `nowhere`"
    );
    // Inside an expression, the column is the symbol's.
    assert_eq!(
        only_error("* = $1000\n  lda #<(table+1)\n"),
        "main.s:2:10: undefined symbol `table`"
    );
    // A local label is looked up in the current scope only.
    assert_eq!(
        only_error("* = $1000\nfirst:\n.x: nop\nsecond:\n  jmp .x\n"),
        "main.s:5:7: undefined symbol `.x`"
    );
}

#[test]
fn branch_out_of_range_says_the_distance() {
    let source = "* = $1000\nstart: bne far\n  .fill 200\nfar: rts\n";
    assert_eq!(
        only_error(source),
        "main.s:2:12: branch target out of range: 200 bytes forward (maximum 127)"
    );
    let source = "* = $1000\nback: .fill 130\n  beq back\n";
    assert_eq!(
        only_error(source),
        "main.s:3:7: branch target out of range: 132 bytes back (maximum 128)"
    );
    // The limits themselves are fine.
    assert!(
        assemble(
            "ok.s",
            "* = $1000\n bne *+129\n beq *-126\n",
            &MemoryLoader::new()
        )
        .is_ok()
    );
    assert!(assemble("ok.s", "* = $1000\n bne *+130\n", &MemoryLoader::new()).is_err());
}

#[test]
fn bad_operands() {
    assert_eq!(
        only_error("* = $1000\n lda (10),z\n"),
        "main.s:2:11: syntax error: expected index register `x` or `y`, found `z`"
    );
    assert_eq!(
        only_error("* = $1000\n sta #1\n"),
        "main.s:2:6: `sta` has no immediate (#value) addressing mode"
    );
    assert_eq!(
        only_error("* = $1000\n lda ($1234)\n"),
        "main.s:2:6: `lda` has no indirect (addr) addressing mode"
    );
    assert_eq!(
        only_error("* = $1000\n jmp ($10),y\n"),
        "main.s:2:6: `jmp` has no indirect indexed (zp),y addressing mode"
    );
    assert_eq!(
        only_error("* = $1000\n stx $1234,x\n"),
        "main.s:2:6: `stx` has no absolute,x addressing mode"
    );
    assert_eq!(
        only_error("* = $1000\n inc a\n"),
        "main.s:2:6: `inc` has no accumulator addressing mode"
    );
    assert_eq!(
        only_error("* = $1000\n lda\n"),
        "main.s:2:2: syntax error: `lda` needs an operand"
    );
    assert_eq!(
        only_error("* = $1000\n lda #1 2\n"),
        "main.s:2:9: syntax error: expected end of line, found number 2"
    );
    assert_eq!(
        only_error("* = $1000\n lda ($10,y)\n"),
        "main.s:2:11: syntax error: only `x` can index inside `( , )`: `(zp,x)`"
    );
}

#[test]
fn values_that_do_not_fit() {
    assert_eq!(
        only_error("* = $1000\n lda #256\n"),
        "main.s:2:7: value 256 ($100) does not fit a byte"
    );
    assert_eq!(
        only_error("* = $1000\n lda ($100),y\n"),
        "main.s:2:7: value 256 ($100) does not fit zero page ($00-$ff)"
    );
    assert_eq!(
        only_error("* = $1000\n .byte 1, 300, 2\n"),
        "main.s:2:11: value 300 ($12c) does not fit a byte"
    );
    assert_eq!(
        only_error("* = $1000\n .word $10000\n"),
        "main.s:2:8: value 65536 ($10000) does not fit 16 bits"
    );
    assert_eq!(
        only_error("* = $1000\n lda #1/0\n"),
        "main.s:2:8: division by zero"
    );
}

#[test]
fn duplicate_labels() {
    let errors = errors("* = $1000\nloop: nop\n  nop\nloop: rts\n");
    assert_eq!(
        errors.to_string(),
        "main.s:4:1: duplicate symbol `loop` (first defined at main.s:2:1)"
    );
    // The same local name under two global labels is fine; twice under one is not.
    assert!(
        assemble(
            "ok.s",
            "* = $1000\na:\n.l: nop\nb:\n.l: nop\n",
            &MemoryLoader::new()
        )
        .is_ok()
    );
    assert_eq!(
        only_error("* = $1000\na:\n.l: nop\n@l nop\n"),
        "main.s:4:1: duplicate symbol `a.l` (first defined at main.s:3:1)"
    );
    assert_eq!(
        only_error("x = 1\n* = $1000\nx: nop\n"),
        "main.s:3:1: duplicate symbol `x` (first defined at main.s:1:1)"
    );
}

#[test]
fn unknown_directives_and_mnemonics() {
    assert_eq!(
        only_error("* = $1000\n  .bytes 1\n"),
        "main.s:2:3: unknown directive `.bytes`"
    );
    assert_eq!(
        only_error("* = $1000\n  ldq #1\n"),
        "main.s:2:3: unknown mnemonic `ldq`"
    );
    // At column 1 an unknown word is a label, so the mnemonic after it is checked.
    assert_eq!(
        only_error("* = $1000\nhere ldq #1\n"),
        "main.s:2:6: unknown mnemonic `ldq`"
    );
}

#[test]
fn include_errors() {
    let errors = errors("  .include \"missing.inc\"\n");
    assert_eq!(
        errors.to_string(),
        "main.s:1:12: cannot include `missing.inc`: no such file"
    );
    let loader = MemoryLoader::new()
        .with("a.inc", "nop\n  .include \"b.inc\"\n")
        .with("b.inc", "\n\n  .include \"a.inc\"\n");
    let errors = errors_with(&loader, "* = $1000\n  .include \"a.inc\"\n");
    assert_eq!(errors.to_string(), "b.inc:3:12: `a.inc` includes itself");
    // A file including itself directly.
    let loader = MemoryLoader::new().with("self.s", " .include \"self.s\"\n");
    let errors = errors_with(&loader, " .include \"self.s\"\n");
    assert_eq!(errors.to_string(), "self.s:1:11: `self.s` includes itself");
    // Errors inside an included file name that file.
    let loader = MemoryLoader::new().with("lib.inc", "; library\n  lda #nothing\n");
    let errors = errors_with(&loader, "* = $1000\n .include \"lib.inc\"\n");
    assert_eq!(
        errors.to_string(),
        "lib.inc:2:8: undefined symbol `nothing`"
    );
}

#[test]
fn origin_errors() {
    assert_eq!(
        only_error("  nop\n"),
        "main.s:1:1: no origin set: put `* = address` before the first code or label"
    );
    assert_eq!(
        only_error("* = later\nlater: nop\n"),
        "main.s:1:5: the origin must be known when first seen (no forward references)"
    );
    assert_eq!(
        only_error("* = $fffe\n  jmp $1234\n"),
        "main.s:2:1: code or data runs past address $ffff"
    );
    assert_eq!(
        only_error("* = $1000\n  nop\n  nop\n* = $1001\n  rts\n"),
        "main.s:5:1: address $1001 is written twice"
    );
}

#[test]
fn several_errors_are_reported_together_in_source_order() {
    let source = "\
* = $1000
start:  lda #300
        jmp missing
        .bogus
        ldq
start:  rts
        lda (10),z
";
    let errors = errors(source);
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "main.s:2:14: value 300 ($12c) does not fit a byte",
            "main.s:3:13: undefined symbol `missing`",
            "main.s:4:9: unknown directive `.bogus`",
            "main.s:5:9: unknown mnemonic `ldq`",
            "main.s:6:1: duplicate symbol `start` (first defined at main.s:2:1)",
            "main.s:7:18: syntax error: expected index register `x` or `y`, found `z`",
        ]
    );
    assert!(matches!(errors.0[1].kind, ErrorKind::UndefinedSymbol(ref name) if name == "missing"));
    assert_eq!(errors.0[1].location.line, 3);
    assert_eq!(errors.0[1].location.column, 13);
}

#[test]
fn lexer_errors() {
    assert_eq!(
        only_error("* = $1000\n lda #$\n"),
        "main.s:2:7: syntax error: expected hex digits after `$`"
    );
    assert_eq!(
        only_error("* = $1000\n .byte \"abc\n"),
        "main.s:2:8: syntax error: missing closing `\"`"
    );
    assert_eq!(
        only_error("* = $1000\n lda #1 ! 2\n"),
        "main.s:2:9: syntax error: unexpected character `!`"
    );
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let loader = MemoryLoader::new()
        .with("x", "* = $10\nlda x\n .include \"x\"\n")
        .with("y", "bne y\n");
    // Raw random bytes.
    for _ in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = assemble("garbage.s", &text, &loader);
    }
    // Random soup of the assembler's own vocabulary, which gets much deeper.
    let words = [
        "lda",
        "sta",
        "jmp",
        "bne",
        "asl",
        "a",
        "x",
        "y",
        "#",
        "(",
        ")",
        ",",
        "*",
        "=",
        ":",
        "<",
        ">",
        "+",
        "-",
        "/",
        "$ff",
        "$10000",
        "%101",
        "'a'",
        "\"s\"",
        ".byte",
        ".word",
        ".fill",
        ".include",
        "\"x\"",
        "\"y\"",
        ".org",
        ".equ",
        ".petscii",
        "label",
        ".loc",
        "@loc",
        "\n",
        "\n",
        "\n",
        " ",
        "* = $fff0",
        "65535",
        "0",
        "-32768",
        "4294967295",
        "a:",
        "z:",
        ";",
        "(((((",
        "99999999999",
        "\\",
        "'",
    ];
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            text.push_str(words[rng.below(words.len())]);
            if rng.below(3) == 0 {
                text.push(' ');
            }
        }
        if let Err(errors) = assemble("soup.s", &text, &loader) {
            assert!(!errors.is_empty());
            for error in &errors {
                assert!(
                    error.location.line >= 1 && error.location.column >= 1,
                    "{error}"
                );
            }
        }
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = format!(
        "* = 0\n lda #{}1{}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert!(assemble("deep.s", &deep, &loader).is_err());
    let deep = format!("* = 0\n lda #{}1\n", "-".repeat(10_000));
    assert!(assemble("deep.s", &deep, &loader).is_err());
    let long = format!("* = 0\n .byte 0{}\n", "+1".repeat(100_000));
    assert_eq!(
        assemble("long.s", &long, &loader).unwrap_err().to_string(),
        "long.s:2:2009: syntax error: too many operators in one line"
    );
    let many = format!("* = 0\n .word 0{}\n", "+1".repeat(999));
    assert_eq!(
        assemble("many.s", &many, &loader).map(|p| p.bytes),
        Ok(vec![0xe7, 0x03])
    );
}
