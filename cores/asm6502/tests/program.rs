//! Realistic programs: labels, local labels, includes, expressions, forward references.

use heirloom_asm6502::{
    FsLoader, MemoryLoader, SymbolKind, assemble, disassemble, disassemble_to_source,
};

/// `roms-test/asm/hello.s`, assembled by hand:
///
/// ```text
/// c000  a9 20     lda #<message     message = $c020
/// c002  85 fb     sta ptr           ptr = $fb (zero page: known from the include)
/// c004  a9 c0     lda #>message
/// c006  85 fc     sta ptr+1
/// c008  a0 00     ldy #0
/// c00a  b1 fb     .loop lda (ptr),y
/// c00c  f0 06     beq .done         $c014 - $c00e = 6
/// c00e  20 d2 ff  jsr CHROUT
/// c011  c8        iny
/// c012  d0 f6     bne .loop         $c00a - $c014 = -10
/// c014  a2 03     .done ldx #colors_len-1
/// c016  bd 25 c0  @next lda colors,x   (forward reference: absolute)
/// c019  8d 20 d0  sta BORDER
/// c01c  ca        dex
/// c01d  10 f7     bpl @next         $c016 - $c01f = -9
/// c01f  60        rts
/// c020  48 49 21 0d 00              "hi!" in PETSCII, return, end
/// c025  02 05 06 07                 colors; colors_len = 4
/// ```
const HELLO: [u8; 41] = [
    0xa9, 0x20, 0x85, 0xfb, 0xa9, 0xc0, 0x85, 0xfc, 0xa0, 0x00, 0xb1, 0xfb, 0xf0, 0x06, 0x20, 0xd2,
    0xff, 0xc8, 0xd0, 0xf6, 0xa2, 0x03, 0xbd, 0x25, 0xc0, 0x8d, 0x20, 0xd0, 0xca, 0x10, 0xf7, 0x60,
    0x48, 0x49, 0x21, 0x0d, 0x00, 0x02, 0x05, 0x06, 0x07,
];

#[test]
fn hello_assembles_to_the_hand_assembled_bytes() {
    let path = heirloom_testkit::roms_test_dir().join("asm/hello.s");
    let main = FsLoader::read_main(&path).expect("hello.s is part of the repository");
    let program = assemble(&main.name, &main.text, &FsLoader).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.load_address, 0xc000);
    assert_eq!(program.bytes, HELLO);
    let expect = [
        ("start", 0xc000),
        ("start.loop", 0xc00a),
        ("start.done", 0xc014),
        ("start.next", 0xc016),
        ("message", 0xc020),
        ("colors", 0xc025),
        ("colors_len", 4),
        ("CHROUT", 0xffd2),
        ("ptr", 0xfb),
    ];
    for (name, value) in expect {
        assert_eq!(program.symbol(name), Some(value), "{name}");
    }
    assert_eq!(program.symbols["start"].kind, SymbolKind::Label);
    assert_eq!(program.symbols["colors_len"].kind, SymbolKind::Constant);
    assert_eq!(program.address_of("start"), Some(0xc000));

    let prg = program.to_prg();
    assert_eq!(&prg[..2], [0x00, 0xc0]);
    assert_eq!(&prg[2..], HELLO);
    let mut written = Vec::new();
    program.write_prg(&mut written).unwrap();
    assert_eq!(written, prg);

    // The code part disassembles to what the source says.
    let lines = disassemble(&program.bytes[..0x20], 0xc000);
    assert_eq!(lines[6].text, "beq $c014");
    assert_eq!(lines[11].text, "lda $c025,x");
    assert_eq!(lines[15].text, "rts");
    assert_eq!(
        assemble(
            "dis.s",
            &disassemble_to_source(&program.bytes, 0xc000),
            &MemoryLoader::new()
        )
        .map(|p| p.bytes),
        Ok(HELLO.to_vec())
    );
}

#[test]
fn includes_through_a_memory_loader() {
    let loader = MemoryLoader::new()
        .with("consts.inc", "SCREEN = $0400\n.include \"more.inc\"\n")
        .with("more.inc", "SPACE = ' '\n");
    let source = "\
* = $1000
        .include \"consts.inc\"
clear:  lda #SPACE
        ldx #0
.loop:  sta SCREEN,x
        sta SCREEN+$100,x
        inx
        bne .loop
        rts
";
    let program = assemble("clear.s", source, &loader).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        program.bytes,
        [
            0xa9, 0x20, 0xa2, 0x00, 0x9d, 0x00, 0x04, 0x9d, 0x00, 0x05, 0xe8, 0xd0, 0xf7, 0x60
        ]
    );
    // The same file included twice (not a cycle) defines its symbols twice.
    let loader = MemoryLoader::new().with("c.inc", "K = 1\n");
    let errors = assemble("m.s", " .include \"c.inc\"\n .include \"c.inc\"\n", &loader)
        .expect_err("duplicate constant");
    assert_eq!(
        errors.to_string(),
        "c.inc:1:1: duplicate symbol `K` (first defined at c.inc:1:1)"
    );
}

#[test]
fn forward_references_are_absolute_and_stable() {
    let source = "\
early = $10
* = $0200
        lda early       ; known: zero page
        lda late        ; forward: absolute even though late < $100
        sta late2,x     ; forward constant: absolute,x
        jmp end
late = $20
late2 = early + $22
end:    rts
";
    let program = assemble("f.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        program.bytes,
        [
            0xa5, 0x10, 0xad, 0x20, 0x00, 0x9d, 0x32, 0x00, 0x4c, 0x0b, 0x02, 0x60
        ]
    );
    assert_eq!(program.address_of("end"), Some(0x020b));
    // A constant defined from a later label, used before both.
    let source = "* = $1000\n jmp target\nalias = real + 1\nreal: nop\ntarget = alias\n";
    let program = assemble("g.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.bytes, [0x4c, 0x04, 0x10, 0xea]);
}

#[test]
fn syntax_variants() {
    let source = "\
*=$0801
        .word next, 10      ; BASIC line link and number
        .byte $9e, \"2061\", 0
next    .word 0
        .org $080d
start   lda #$01 ; bare label in column 1
@l      sta $d020
        jmp @l
value   .equ 3 * (2 + 1) - 10 / 3
        .byte value, <start, >start, -1, 'A', %11
        .text \"Ab\"
        .petscii \"Ab\"
        .fill 3, $ea
        .res 2
        .dw $1234
        bne *+2
";
    let program = assemble("v.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.load_address, 0x0801);
    let expected: Vec<u8> = [
        &[
            0x0b, 0x08, 0x0a, 0x00, 0x9e, b'2', b'0', b'6', b'1', 0x00, 0x00, 0x00,
        ][..],
        &[0xa9, 0x01, 0x8d, 0x20, 0xd0, 0x4c, 0x0f, 0x08],
        &[6, 0x0d, 0x08, 0xff, 0x41, 0x03],
        &[0x41, 0x62, 0xc1, 0x42],
        &[0xea, 0xea, 0xea, 0x00, 0x00, 0x34, 0x12],
        &[0xd0, 0x00],
    ]
    .concat();
    assert_eq!(program.bytes, expected);
    assert_eq!(program.symbol("value"), Some(6));
}

#[test]
fn separate_origins_fill_gaps_with_zero() {
    let source = "* = $2000\n nop\n* = $2004\n rts\n* = $1ffe\n .byte 1\n";
    let program = assemble("o.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.load_address, 0x1ffe);
    assert_eq!(program.bytes, [0x01, 0x00, 0xea, 0x00, 0x00, 0x00, 0x60]);
}

#[test]
fn local_label_spellings_share_one_scope() {
    let source = "\
* = $1000
first:  ldx #2
  @back dex             ; `@name` needs no colon, in any column
        bne .back       ; `.back` and `@back` are the same label
second: ldy #2
.back:  dey
        bne @back
";
    let program = assemble("l.s", source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        program.bytes,
        [0xa2, 0x02, 0xca, 0xd0, 0xfd, 0xa0, 0x02, 0x88, 0xd0, 0xfd]
    );
    assert_eq!(program.address_of("first.back"), Some(0x1002));
    assert_eq!(program.address_of("second.back"), Some(0x1007));
    assert_eq!(program.symbol("back"), None);
}
