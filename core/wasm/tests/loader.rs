//! Decoder and validator behaviour on hand-written and generated modules: the decoded
//! form, error messages with offsets, and robustness against truncated or corrupted input.

use heirloom_wasm::ValidatedModule;
use heirloom_wasm::exec::{Config, Extern, Store, Value};
use heirloom_wasm::{
    BlockType, DataMode, DecodeErrorKind, ElementItems, ElementMode, Error, ExportDesc, FuncType,
    ImportDesc, Instr, LaneOp, Limits, LoadOp, Location, MemArg, Module, NumOp, Operand, RefType,
    SectionId, SimdOp, ValType, ValidationErrorKind,
};
use wast::parser::{self, ParseBuffer};

/// The 41-byte module exporting `add: (i32, i32) -> i32`.
const ADD: [u8; 41] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09,
    0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
];

/// Encodes a module written in the text format.
fn wat(text: &str) -> Vec<u8> {
    let buf = ParseBuffer::new(text).expect("lexes");
    let mut module: wast::Wat<'_> = parser::parse(&buf).expect("parses");
    module.encode().expect("encodes")
}

/// A module touching every section and most instruction families.
const RICH: &str = r#"
(module $rich
  (type $binop (func (param i32 i32) (result i32)))
  (type $pair (func (result i32 i64)))
  (import "env" "log" (func $log (param i32)))
  (import "env" "g" (global $imported i32))
  (import "env" "tab" (table 1 funcref))
  (memory 1 2)
  (table $refs 4 externref)
  (global $counter (mut i32) (global.get $imported))
  (global $v v128 (v128.const i32x4 1 2 3 4))
  (global $fr funcref (ref.func $add))
  (export "add" (func $add))
  (export "mem" (memory 0))
  (start $init)
  (elem (i32.const 0) $add)
  (elem $passive funcref (ref.func $add) (ref.null func))
  (elem declare func $init)
  (elem (table $refs) (i32.const 1) externref (ref.null extern))
  (data (i32.const 8) "hello")
  (data $bytes "passive")
  (func $add (type $binop) (local $tmp i64)
    local.get 0
    local.get 1
    i32.add)
  (func $init
    i32.const 7
    call $log
    ref.func $init
    drop)
  (func $multi (export "multi") (type $pair)
    i32.const 1
    i64.const 2)
  (func $control (export "control") (param $x i32) (result i32)
    (block $out (result i32)
      (loop $again
        local.get $x
        i32.eqz
        br_if $again
        (if (result i32) (local.get $x)
          (then (i32.const 1))
          (else (i32.const 2)))
        br $out)
      unreachable)
    (block (param i32) (result i32)
      (br_table 0 0 0 (i32.const 0)))
    drop
    local.get $x
    i32.const 0
    local.get $x
    select)
  (func $memory (export "memory") (param i32) (result f64)
    (memory.init $bytes (i32.const 0) (i32.const 0) (i32.const 4))
    (data.drop $bytes)
    (memory.copy (i32.const 0) (i32.const 4) (i32.const 4))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 4))
    (drop (memory.grow (memory.size)))
    (i64.store32 offset=4 (local.get 0) (i64.const 9))
    (i32.trunc_sat_f32_s (f32.const 1.5))
    i32.extend8_s
    drop
    (f64.load offset=16 align=4 (local.get 0)))
  (func $tables (export "tables") (result i32)
    (table.init 0 $passive (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $passive)
    (table.set $refs (i32.const 0) (table.get $refs (i32.const 1)))
    (drop (table.grow $refs (ref.null extern) (i32.const 1)))
    (table.fill $refs (i32.const 0) (ref.null extern) (i32.const 1))
    (table.copy $refs $refs (i32.const 0) (i32.const 1) (i32.const 1))
    (drop (call_indirect (type $binop) (i32.const 1) (i32.const 2) (i32.const 0)))
    (ref.is_null (ref.null func))
    table.size $refs
    i32.add)
  (func $simd (export "simd") (param i32) (result i32)
    (v128.store offset=16 (local.get 0)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (v128.load8_lane 3 (local.get 0) (global.get $v))
        (f32x4.add (v128.load32_splat (local.get 0)) (global.get $v))))
    (i32x4.extract_lane 2 (i32x4.dot_i16x8_s (global.get $v) (v128.load64_zero (local.get 0))))
    (v128.any_true (v128.const i64x2 -1 0))
    i32.add)
)
"#;

#[test]
fn add_module_decodes_and_validates() {
    let module = Module::decode(&ADD).unwrap();
    assert_eq!(
        module.types,
        vec![FuncType {
            params: vec![ValType::I32, ValType::I32].into(),
            results: vec![ValType::I32].into()
        }]
    );
    assert_eq!(module.functions.len(), 1);
    let f = &module.functions[0];
    assert_eq!(f.type_index, 0);
    assert!(f.locals.is_empty());
    assert_eq!(
        f.body.instrs,
        vec![
            Instr::LocalGet(0),
            Instr::LocalGet(1),
            Instr::Numeric(NumOp::I32Add),
            Instr::End
        ]
    );
    // Offsets point at each opcode in the binary.
    assert_eq!(f.body.offsets, vec![35, 37, 39, 40]);
    assert_eq!(module.exports.len(), 1);
    assert_eq!(module.exports[0].name, "add");
    assert_eq!(module.exports[0].desc, ExportDesc::Func(0));
    assert!(module.imports.is_empty() && module.memories.is_empty() && module.start.is_none());
    let validated = module.clone().validate().unwrap();
    assert_eq!(validated.module(), &module);
    assert!(Module::from_bytes(&ADD).is_ok());
}

#[test]
fn errors_name_section_offset_and_reason() {
    // Cut inside the code section: the body's declared size runs past the input.
    let err = Module::decode(&ADD[..38]).unwrap_err();
    assert_eq!(err.section, SectionId::Code);
    assert_eq!(
        err.to_string(),
        "code section at offset 0x20: length out of bounds"
    );
    // Cut inside the header.
    let err = Module::decode(&ADD[..6]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module header at offset 0x4: unexpected end of input"
    );
    let mut bad = ADD;
    bad[0] = b'x';
    assert_eq!(
        Module::decode(&bad).unwrap_err().kind,
        DecodeErrorKind::BadMagic
    );
    let mut bad = ADD;
    bad[4] = 2;
    assert_eq!(
        Module::decode(&bad).unwrap_err().kind,
        DecodeErrorKind::BadVersion(2)
    );
    // i32.add (0x6a) replaced by an unassigned opcode.
    let mut bad = ADD;
    bad[39] = 0xd3;
    assert_eq!(
        Module::decode(&bad).unwrap_err().to_string(),
        "code section at offset 0x27: illegal opcode 0xd3"
    );
    // Export name "add" made invalid UTF-8.
    let mut bad = ADD;
    bad[25] = 0xff;
    assert_eq!(
        Module::decode(&bad).unwrap_err().kind,
        DecodeErrorKind::BadUtf8
    );
}

#[test]
fn validation_errors_name_function_offset_and_reason() {
    let bytes = wat(r#"(module (func) (func (result i32) i32.const 1 f64.const 2 i32.add))"#);
    let module = Module::decode(&bytes).unwrap();
    let offset = module.functions[1].body.offsets[2] as usize;
    let err = module.validate().unwrap_err();
    assert_eq!(err.location, Location::Function(1));
    assert_eq!(err.offset, offset);
    assert_eq!(
        err.kind,
        ValidationErrorKind::TypeMismatch {
            expected: Operand::Val(ValType::I32),
            found: Operand::Val(ValType::F64)
        }
    );
    assert_eq!(
        err.to_string(),
        format!("function 1 at offset {offset:#x}: type mismatch: expected i32, found f64")
    );

    let bytes = wat(r#"(module (func (result i32)))"#);
    let err = Module::from_bytes(&bytes).unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    assert!(
        err.to_string()
            .ends_with("type mismatch: expected i32, found nothing"),
        "{err}"
    );
}

fn kind_of(text: &str) -> ValidationErrorKind {
    Module::decode(&wat(text))
        .unwrap()
        .validate()
        .unwrap_err()
        .kind
}

#[test]
fn validation_rules() {
    use ValidationErrorKind as K;
    assert_eq!(kind_of("(module (func local.get 2))"), K::UnknownLocal(2));
    assert_eq!(kind_of("(module (func br 1))"), K::UnknownLabel(1));
    assert_eq!(
        kind_of("(module (global i32 (i32.const 0)) (func i32.const 1 global.set 0))"),
        K::ImmutableGlobal(0)
    );
    assert_eq!(
        kind_of("(module (memory 1) (func i32.const 0 i32.load align=8 drop))"),
        K::AlignmentTooLarge {
            align: 3,
            natural: 4
        }
    );
    assert_eq!(
        kind_of("(module (func i32.const 0 i32.load drop))"),
        K::UnknownMemory(0)
    );
    assert_eq!(
        kind_of("(module (memory 1) (memory 1))"),
        K::MultipleMemories
    );
    assert_eq!(kind_of("(module (memory 65537))"), K::MemoryTooLarge);
    assert_eq!(
        kind_of("(module (table 2 1 funcref))"),
        K::LimitsMinAboveMax
    );
    assert_eq!(
        kind_of(r#"(module (func) (export "a" (func 0)) (export "a" (func 0)))"#),
        K::DuplicateExport("a".into())
    );
    assert_eq!(
        kind_of("(module (func (param i32)) (start 0))"),
        K::StartFunctionType
    );
    assert_eq!(
        kind_of("(module (func ref.func 0 drop))"),
        K::UndeclaredFunctionReference(0)
    );
    assert_eq!(
        kind_of("(module (global i32 (i32.const 1) (i32.const 2)))"),
        K::ValuesRemaining(1)
    );
    assert_eq!(
        kind_of("(module (global (mut i32) (i32.const 1)) (global i32 (global.get 0)))"),
        K::UnknownGlobal(0)
    );
    assert_eq!(
        kind_of("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))"),
        K::ConstantExpressionRequired
    );
    assert_eq!(
        kind_of("(module (func v128.const i64x2 0 0 i8x16.extract_lane_s 16 drop))"),
        K::InvalidLaneIndex {
            lane: 16,
            lanes: 16
        }
    );
    assert_eq!(
        kind_of("(module (func (result i32) ref.null extern ref.null extern i32.const 1 select))"),
        K::SelectNeedsType(ValType::ExternRef)
    );
    // br_table targets must agree on arity; with equal arity each target's types are
    // checked against the operands.
    assert_eq!(
        kind_of("(module (func (block (block (result i64) i32.const 0 br_table 0 1) drop)))"),
        K::BrTableArity(0, 1)
    );
    assert_eq!(
        kind_of(
            "(module (func (block (result i32) (block (result i64) i64.const 0 i32.const 0 br_table 0 1) drop) drop))"
        ),
        K::TypeMismatch {
            expected: Operand::Val(ValType::I32),
            found: Operand::Val(ValType::I64)
        }
    );
}

#[test]
fn rich_module_round_trip() {
    let bytes = wat(RICH);
    let module = Module::decode(&bytes).unwrap();
    assert_eq!(module.imports.len(), 3);
    assert_eq!(module.imports[0].desc, ImportDesc::Func(2));
    assert_eq!(
        module.memories[0].ty.limits,
        Limits {
            min: 1,
            max: Some(2)
        }
    );
    assert_eq!(module.tables[0].ty.elem, RefType::ExternRef);
    assert_eq!(module.start.map(|(f, _)| f), Some(2));
    assert_eq!(module.data_count, Some(2));

    // Element segments: active function list, passive expressions, declarative, active
    // on a non-zero table with expressions.
    let e = &module.elements;
    assert_eq!(e.len(), 4);
    assert!(matches!(e[0].mode, ElementMode::Active { table: 0, .. }));
    assert_eq!(e[0].items, ElementItems::Functions(vec![1]));
    assert_eq!(e[1].mode, ElementMode::Passive);
    let ElementItems::Exprs(items) = &e[1].items else {
        panic!("expected expressions")
    };
    assert_eq!(items[0].instrs, vec![Instr::RefFunc(1), Instr::End]);
    assert_eq!(
        items[1].instrs,
        vec![Instr::RefNull(RefType::FuncRef), Instr::End]
    );
    assert_eq!(e[2].mode, ElementMode::Declarative);
    assert!(matches!(e[3].mode, ElementMode::Active { table: 1, .. }));
    assert_eq!(e[3].ty, RefType::ExternRef);

    assert!(matches!(
        &module.data[0].mode,
        DataMode::Active { memory: 0, .. }
    ));
    assert_eq!(module.data[0].bytes, b"hello");
    assert_eq!(module.data[1].mode, DataMode::Passive);

    // The name section: module, function and local names.
    assert_eq!(module.names.module.as_deref(), Some("rich"));
    assert_eq!(
        module.names.functions.get(&1).map(String::as_str),
        Some("add")
    );
    assert_eq!(
        module.names.functions.get(&7).map(String::as_str),
        Some("simd")
    );
    assert_eq!(
        module.names.locals[&1].get(&2).map(String::as_str),
        Some("tmp")
    );
    assert_eq!(
        module.names.locals[&4].get(&0).map(String::as_str),
        Some("x")
    );

    let control = &module.functions[3].body.instrs;
    assert_eq!(control[0], Instr::Block(BlockType::Value(ValType::I32)));
    assert!(
        control
            .iter()
            .any(|i| matches!(i, Instr::BrTable { targets, default: 0 } if targets.len() == 2))
    );
    assert!(
        control
            .iter()
            .any(|i| matches!(i, Instr::Block(BlockType::Func(_))))
    );
    let memory = &module.functions[4].body.instrs;
    assert!(memory.contains(&Instr::Load(
        LoadOp::F64Load,
        MemArg {
            align: 2,
            offset: 16
        }
    )));
    assert!(memory.contains(&Instr::Numeric(NumOp::I32TruncSatF32S)));
    assert!(memory.contains(&Instr::MemoryInit(1)));
    let simd = &module.functions[6].body.instrs;
    assert!(simd.contains(&Instr::Lane(LaneOp::I32x4ExtractLane, 2)));
    assert!(simd.contains(&Instr::Simd(SimdOp::I32x4DotI16x8S)));
    assert!(simd.contains(&Instr::Shuffle([
        0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
    ])));

    module.validate().unwrap();
}

/// Every element segment encoding (flags 0–7) and data segment encoding (0–2).
#[test]
fn all_segment_encodings() {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    let section = |bytes: &mut Vec<u8>, id: u8, body: &[u8]| {
        bytes.push(id);
        bytes.push(body.len() as u8);
        bytes.extend_from_slice(body);
    };
    section(&mut bytes, 1, &[1, 0x60, 0, 0]); // type: [] -> []
    section(&mut bytes, 3, &[1, 0]); // one function
    section(&mut bytes, 4, &[2, 0x70, 0, 1, 0x70, 0, 1]); // two funcref tables
    section(&mut bytes, 5, &[1, 0, 1]); // memory 1
    let elems: &[u8] = &[
        8, // eight segments
        0, 0x41, 0, 0x0b, 1, 0, // 0: active table 0, offset, funcs
        1, 0x00, 1, 0, // 1: passive, elemkind, funcs
        2, 1, 0x41, 0, 0x0b, 0x00, 1, 0, // 2: active table 1, elemkind, funcs
        3, 0x00, 1, 0, // 3: declarative, elemkind, funcs
        4, 0x41, 0, 0x0b, 1, 0xd2, 0, 0x0b, // 4: active table 0, exprs
        5, 0x70, 1, 0xd0, 0x70, 0x0b, // 5: passive, reftype, exprs
        6, 1, 0x41, 0, 0x0b, 0x70, 1, 0xd2, 0, 0x0b, // 6: active table 1, reftype, exprs
        7, 0x70, 1, 0xd2, 0, 0x0b, // 7: declarative, reftype, exprs
    ];
    section(&mut bytes, 9, elems);
    section(&mut bytes, 12, &[3]); // data count
    section(&mut bytes, 10, &[1, 2, 0, 0x0b]); // empty body
    section(
        &mut bytes,
        11,
        &[3, 0, 0x41, 0, 0x0b, 1, 7, 1, 1, 9, 2, 0, 0x41, 1, 0x0b, 0],
    );
    let module = Module::decode(&bytes).unwrap();
    let modes: Vec<_> = module
        .elements
        .iter()
        .map(|e| match &e.mode {
            ElementMode::Active { table, .. } => format!("active{table}"),
            ElementMode::Passive => "passive".into(),
            ElementMode::Declarative => "declarative".into(),
        })
        .collect();
    assert_eq!(
        modes,
        [
            "active0",
            "passive",
            "active1",
            "declarative",
            "active0",
            "passive",
            "active1",
            "declarative"
        ]
    );
    for (i, e) in module.elements.iter().enumerate() {
        assert_eq!(
            matches!(e.items, ElementItems::Exprs(_)),
            i >= 4,
            "segment {i}"
        );
    }
    assert_eq!(module.data.len(), 3);
    assert_eq!(
        module.data[1],
        heirloom_wasm::DataSegment {
            mode: DataMode::Passive,
            bytes: vec![9],
            offset: module.data[1].offset
        }
    );
    assert!(matches!(
        module.data[2].mode,
        DataMode::Active { memory: 0, .. }
    ));
    module.validate().unwrap();

    // Flags 8 is not an element segment form.
    let at = bytes.iter().position(|&b| b == 9).unwrap();
    let mut bad = bytes.clone();
    bad[at + 3 + 6] = 8;
    assert_eq!(
        Module::decode(&bad).unwrap_err().kind,
        DecodeErrorKind::BadElementKind(8)
    );
}

#[test]
fn structural_decode_rules() {
    let module = |body: &[u8]| {
        let mut bytes = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x0a".to_vec();
        bytes.push(body.len() as u8 + 2);
        bytes.push(1);
        bytes.push(body.len() as u8);
        bytes.extend_from_slice(body);
        Module::decode(&bytes).map(|_| ()).map_err(|e| e.kind)
    };
    assert_eq!(module(&[0, 0x0b]), Ok(()));
    assert_eq!(module(&[0, 0x01]), Err(DecodeErrorKind::EndExpected));
    assert_eq!(
        module(&[0, 0x0b, 0x01]),
        Err(DecodeErrorKind::SectionSizeMismatch)
    );
    assert_eq!(
        module(&[0, 0x05, 0x0b]),
        Err(DecodeErrorKind::MisplacedElse)
    );
    assert_eq!(
        module(&[0, 0x02, 0x40, 0x05, 0x0b, 0x0b]),
        Err(DecodeErrorKind::MisplacedElse)
    );
    assert_eq!(
        module(&[0, 0x3f, 0x01, 0x1a, 0x0b]),
        Err(DecodeErrorKind::ZeroByteExpected)
    );
    assert_eq!(
        module(&[0, 0xfc, 0x09, 0x00, 0x0b]),
        Err(DecodeErrorKind::DataCountRequired)
    );
    assert_eq!(
        module(&[0, 0xfd, 0x9a, 0x01, 0x0b]),
        Err(DecodeErrorKind::IllegalOpcode("0xfd 154".into()))
    );
    assert_eq!(
        module(&[0, 0x02, 0x7f, 0x0b]),
        Err(DecodeErrorKind::EndExpected)
    );
    assert_eq!(
        module(&[2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 1, 0x7f, 0x0b]),
        Err(DecodeErrorKind::TooManyLocals)
    );
    assert_eq!(
        module(&[1, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7f, 0x0b]),
        Err(DecodeErrorKind::LebTooLarge)
    );
    // 2^28 locals are fine: they are kept run-length encoded.
    assert_eq!(
        module(&[1, 0x80, 0x80, 0x80, 0x80, 0x01, 0x7f, 0x0b]),
        Ok(())
    );
    // Sections out of order, duplicated, unknown.
    let mut bytes = b"\0asm\x01\0\0\0\x03\x01\x00\x01\x01\x00".to_vec();
    assert_eq!(
        Module::decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::SectionOutOfOrder
    );
    bytes = b"\0asm\x01\0\0\0\x01\x01\x00\x01\x01\x00".to_vec();
    assert_eq!(
        Module::decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::DuplicateSection(SectionId::Type)
    );
    bytes = b"\0asm\x01\0\0\0\x0d\x00".to_vec();
    assert_eq!(
        Module::decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::BadSectionId(13)
    );
    // A function section without a code section.
    bytes = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0".to_vec();
    assert_eq!(
        Module::decode(&bytes).unwrap_err().kind,
        DecodeErrorKind::FunctionCodeMismatch
    );
}

/// A tiny deterministic generator for the corruption test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Decoding (and validating whatever decodes) never panics on truncated or corrupted
/// input, and every error offset lies within the input.
#[test]
fn truncated_and_corrupted_input_never_panics() {
    let samples = [
        ADD.to_vec(),
        wat(RICH),
        wat(
            "(module (func (param i64) (result i64) (local f32 v128) local.get 0 i64.const -1 i64.mul))",
        ),
    ];
    let mut executed = 0;
    let mut check = |bytes: &[u8]| match Module::decode(bytes) {
        Ok(module) => {
            if let Ok(valid) = module.validate() {
                executed += usize::from(run_everything(&valid));
            }
        }
        Err(e) => assert!(e.offset <= bytes.len(), "{e} beyond {} bytes", bytes.len()),
    };
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for sample in &samples {
        for len in 0..sample.len() {
            let prefix = &sample[..len];
            assert!(
                Module::decode(prefix).is_err() || len >= 8,
                "prefix of {len} bytes decoded"
            );
            check(prefix);
        }
        for _ in 0..50_000 {
            let mut bytes = sample.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % bytes.len();
                bytes[at] = match rng.next() % 3 {
                    0 => bytes[at] ^ (1 << (rng.next() % 8)),
                    1 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            check(&bytes);
        }
    }
    // Many corrupted modules stay valid (changed constants, indices, opcodes): they must
    // run, or trap, without panicking.
    assert!(
        executed > 1000,
        "only {executed} corrupted modules were executed"
    );
}

/// Instantiates a module with stub imports and calls every exported function with zero
/// arguments under a small fuel budget. Returns whether it got as far as instantiation.
fn run_everything(module: &ValidatedModule) -> bool {
    let mut store = Store::new(Config {
        max_memory_pages: 16,
        ..Config::default()
    });
    let mut imports = Vec::new();
    for import in &module.module().imports {
        imports.push(match &import.desc {
            ImportDesc::Func(t) => {
                let ty = module.module().types[*t as usize].clone();
                let results: Vec<Value> =
                    ty.results.iter().map(|&t| Value::default_of(t)).collect();
                Extern::Func(store.host_func(ty, move |_, _| Ok(results.clone())))
            }
            ImportDesc::Table(t) => Extern::Table(store.new_table(*t)),
            ImportDesc::Memory(m) => match store.new_memory(*m) {
                Ok(mem) => Extern::Memory(mem),
                Err(_) => return false,
            },
            ImportDesc::Global(g) => {
                Extern::Global(store.new_global(Value::default_of(g.val), g.mutable))
            }
        });
    }
    store.set_fuel(Some(100_000));
    let Ok(instance) = store.instantiate(module, &imports) else {
        return false;
    };
    for export in &module.module().exports {
        if let Some(Extern::Func(f)) = store.export(instance, &export.name) {
            let args: Vec<Value> = store
                .func_type(f)
                .params
                .iter()
                .map(|&t| Value::default_of(t))
                .collect();
            store.set_fuel(Some(100_000));
            let _ = store.invoke(f, &args);
        }
    }
    true
}

/// Modules built or edited by hand get the same checks, and validation never panics on
/// bodies the decoder would not produce.
#[test]
fn hand_built_bodies_are_checked() {
    let with_body = |instrs: Vec<Instr>| {
        let mut module = Module::decode(&ADD).unwrap();
        module.functions[0].body.instrs = instrs;
        module.validate().unwrap_err().kind
    };
    let add = || {
        vec![
            Instr::LocalGet(0),
            Instr::LocalGet(1),
            Instr::Numeric(NumOp::I32Add),
        ]
    };
    assert_eq!(with_body(add()), ValidationErrorKind::UnbalancedBody);
    let mut extra = add();
    extra.extend([Instr::End, Instr::Nop]);
    assert_eq!(with_body(extra), ValidationErrorKind::UnbalancedBody);
    let mut misplaced = vec![Instr::Block(BlockType::Empty), Instr::Else, Instr::End];
    misplaced.extend(add());
    misplaced.push(Instr::End);
    assert_eq!(with_body(misplaced), ValidationErrorKind::ElseWithoutIf);
    assert_eq!(with_body(Vec::new()), ValidationErrorKind::UnbalancedBody);
}
