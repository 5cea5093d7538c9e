//! The runner of the WebAssembly 2.0 specification test suite (WebAssembly/testsuite),
//! shared by the test files of every engine.
//!
//! Every directive is run: `module` must decode, validate and instantiate;
//! `assert_invalid` must decode and then fail validation with the suite's message;
//! `assert_malformed` must fail to decode (a text module that the `wast` parser itself
//! rejects counts as rejected by the parser); `invoke`, `assert_return` (with NaN
//! patterns), `assert_trap`, `assert_exhaustion`, `assert_unlinkable` and `register`
//! run on the store's engine, linked against the `spectest` host module.
//!
//! Decode errors need not contain the suite's message: the suite's messages follow the
//! reference interpreter, which reads past the end of a section or function body before
//! noticing, while this decoder never does; such differences are printed as notes.

use std::collections::HashMap;

use heirloom_wasm::exec::{Extern, InstanceId, Store, Trap, Value};
use heirloom_wasm::{FuncType, Limits, MemoryType, Module, RefType, TableType, ValType};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// Directive counts for one script.
#[derive(Debug, Default)]
struct Tally {
    passed: usize,
    /// `assert_malformed` text modules that `wast` could not parse.
    passed_by_parser: usize,
    failures: Vec<String>,
    /// Malformed modules rejected with a different reason than the suite's message.
    notes: Vec<String>,
}

/// Instructions one action may execute: far more than any script needs, so that a
/// wrongly compiled loop fails the test instead of hanging it.
const FUEL: u64 = 1_000_000_000;

/// A directive's outcome: `Err` describes why it failed.
type Outcome = Result<(), String>;

struct Runner {
    store: Store,
    spectest: HashMap<&'static str, Extern>,
    registered: HashMap<String, InstanceId>,
    named: HashMap<String, InstanceId>,
    current: Option<InstanceId>,
}

fn float_matches_32(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7FFF_FFFF == 0x7FC0_0000,
        NanPattern::ArithmeticNan => bits & 0x7FC0_0000 == 0x7FC0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn float_matches_64(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// Lane `i` of a vector split into `width`-byte lanes.
fn lane(v: u128, width: usize, i: usize) -> u128 {
    (v >> (i * width * 8)) & (u128::MAX >> (128 - width * 8))
}

fn vector_matches(pattern: &V128Pattern, v: u128) -> bool {
    match pattern {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 1, i) == u128::from(*x as u8)),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 2, i) == u128::from(*x as u16)),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 4, i) == u128::from(*x as u32)),
        V128Pattern::I64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 8, i) == u128::from(*x as u64)),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| float_matches_32(p, lane(v, 4, i) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| float_matches_64(p, lane(v, 8, i) as u64)),
    }
}

fn is_func_heap(heap: &HeapType<'_>) -> bool {
    matches!(
        heap,
        HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }
    )
}

fn result_matches(expected: &WastRetCore<'_>, actual: &Value) -> bool {
    match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(p), Value::F32(a)) => float_matches_32(p, *a),
        (WastRetCore::F64(p), Value::F64(a)) => float_matches_64(p, *a),
        (WastRetCore::V128(p), Value::V128(a)) => vector_matches(p, *a),
        (WastRetCore::RefNull(heap), Value::FuncRef(None)) => {
            heap.as_ref().is_none_or(is_func_heap)
        }
        (WastRetCore::RefNull(heap), Value::ExternRef(None)) => {
            heap.as_ref().is_none_or(|h| !is_func_heap(h))
        }
        (WastRetCore::RefExtern(e), Value::ExternRef(Some(a))) => e.is_none_or(|e| e == *a),
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), a) => options.iter().any(|o| result_matches(o, a)),
        _ => false,
    }
}

fn argument(arg: &WastArg<'_>) -> Result<Value, String> {
    Ok(match arg {
        WastArg::Core(WastArgCore::I32(v)) => Value::I32(*v),
        WastArg::Core(WastArgCore::I64(v)) => Value::I64(*v),
        WastArg::Core(WastArgCore::F32(v)) => Value::F32(v.bits),
        WastArg::Core(WastArgCore::F64(v)) => Value::F64(v.bits),
        WastArg::Core(WastArgCore::V128(v)) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArg::Core(WastArgCore::RefNull(heap)) if is_func_heap(heap) => Value::FuncRef(None),
        WastArg::Core(WastArgCore::RefNull(_)) => Value::ExternRef(None),
        WastArg::Core(WastArgCore::RefExtern(v)) => Value::ExternRef(Some(*v)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

/// Encodes a module, describing a failure.
fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    module
        .encode()
        .map_err(|e| format!("wast cannot encode the module: {e}"))
}

/// Why instantiation failed.
enum Failure {
    /// Decoding, validation or import resolution by name.
    Load(String),
    /// Linking or instantiation in the store (including traps).
    Instantiate(String),
}

impl Runner {
    fn new(mut store: Store) -> Runner {
        let mut spectest = HashMap::new();
        let print = |store: &mut Store, params: &[ValType]| {
            let ty = FuncType {
                params: params.into(),
                results: Box::new([]),
            };
            Extern::Func(store.host_func(ty, |_, _| Ok(Vec::new())))
        };
        spectest.insert("print", print(&mut store, &[]));
        spectest.insert("print_i32", print(&mut store, &[ValType::I32]));
        spectest.insert("print_i64", print(&mut store, &[ValType::I64]));
        spectest.insert("print_f32", print(&mut store, &[ValType::F32]));
        spectest.insert("print_f64", print(&mut store, &[ValType::F64]));
        spectest.insert(
            "print_i32_f32",
            print(&mut store, &[ValType::I32, ValType::F32]),
        );
        spectest.insert(
            "print_f64_f64",
            print(&mut store, &[ValType::F64, ValType::F64]),
        );
        let global =
            |store: &mut Store, value: Value| Extern::Global(store.new_global(value, false));
        spectest.insert("global_i32", global(&mut store, Value::I32(666)));
        spectest.insert("global_i64", global(&mut store, Value::I64(666)));
        spectest.insert(
            "global_f32",
            global(&mut store, Value::F32(666.6f32.to_bits())),
        );
        spectest.insert(
            "global_f64",
            global(&mut store, Value::F64(666.6f64.to_bits())),
        );
        let table = TableType {
            elem: RefType::FuncRef,
            limits: Limits {
                min: 10,
                max: Some(20),
            },
        };
        spectest.insert("table", Extern::Table(store.new_table(table)));
        let memory = MemoryType {
            limits: Limits {
                min: 1,
                max: Some(2),
            },
        };
        spectest.insert(
            "memory",
            Extern::Memory(store.new_memory(memory).expect("one page")),
        );
        Runner {
            store,
            spectest,
            registered: HashMap::new(),
            named: HashMap::new(),
            current: None,
        }
    }

    /// Decodes, validates, resolves imports by name and instantiates a binary module.
    fn instantiate(&mut self, bytes: &[u8]) -> Result<InstanceId, Failure> {
        let module = Module::from_bytes(bytes)
            .map_err(|e| Failure::Load(format!("module rejected: {e}")))?;
        let mut imports = Vec::new();
        for import in &module.module().imports {
            let found = if import.module == "spectest" {
                self.spectest.get(import.name.as_str()).copied()
            } else {
                self.registered
                    .get(&import.module)
                    .and_then(|id| self.store.export(*id, &import.name))
            };
            let ext = found.ok_or_else(|| {
                Failure::Instantiate(format!("unknown import {}.{}", import.module, import.name))
            })?;
            imports.push(ext);
        }
        self.store.set_fuel(Some(FUEL));
        self.store
            .instantiate(&module, &imports)
            .map_err(|e| Failure::Instantiate(e.to_string()))
    }

    fn instance(&self, name: Option<Id<'_>>) -> Result<InstanceId, String> {
        match name {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module ${}", id.name())),
            None => self.current.ok_or_else(|| "no current module".to_string()),
        }
    }

    /// Runs an invocation: `Ok(Err(trap))` when it trapped.
    fn invoke(&mut self, call: &WastInvoke<'_>) -> Result<Result<Vec<Value>, Trap>, String> {
        let inst = self.instance(call.module)?;
        let Some(Extern::Func(func)) = self.store.export(inst, call.name) else {
            return Err(format!("no exported function {:?}", call.name));
        };
        let args = call
            .args
            .iter()
            .map(argument)
            .collect::<Result<Vec<Value>, String>>()?;
        self.store.set_fuel(Some(FUEL));
        Ok(self.store.invoke(func, &args))
    }

    /// Runs an action: `Ok(Err(message))` when it trapped.
    fn execute(
        &mut self,
        exec: &mut WastExecute<'_>,
    ) -> Result<Result<Vec<Value>, String>, String> {
        match exec {
            WastExecute::Invoke(call) => Ok(self.invoke(call)?.map_err(|t| t.to_string())),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(*module)?;
                match self.store.export(inst, global) {
                    Some(Extern::Global(g)) => Ok(Ok(vec![self.store.global_value(g)])),
                    _ => Err(format!("no exported global {global:?}")),
                }
            }
            WastExecute::Wat(wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| format!("wast cannot encode the module: {e}"))?;
                match self.instantiate(&bytes) {
                    Ok(_) => Ok(Ok(Vec::new())),
                    Err(Failure::Instantiate(e)) => Ok(Err(e)),
                    Err(Failure::Load(e)) => Err(e),
                }
            }
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>, line: usize, tally: &mut Tally) {
        let outcome: Outcome = match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                encode(&mut module).and_then(|bytes| match self.instantiate(&bytes) {
                    Ok(id) => {
                        self.current = Some(id);
                        if let Some(name) = name {
                            self.named.insert(name, id);
                        }
                        Ok(())
                    }
                    Err(Failure::Load(e)) => Err(e),
                    Err(Failure::Instantiate(e)) => Err(format!("instantiation failed: {e}")),
                })
            }
            WastDirective::ModuleDefinition(mut module) => encode(&mut module).and_then(|bytes| {
                Module::from_bytes(&bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let quoted = matches!(module, QuoteWat::QuoteModule(..));
                match module.encode() {
                    Err(_) if quoted => {
                        tally.passed_by_parser += 1;
                        return;
                    }
                    Err(e) => Err(format!("wast cannot encode the binary module: {e}")),
                    Ok(bytes) => {
                        match Module::decode(&bytes) {
                            Err(e) => {
                                if !e.to_string().contains(message) {
                                    tally.notes.push(format!("line {line}: suite says \"{message}\", decoder says \"{e}\""));
                                }
                                Ok(())
                            }
                            Ok(_) => Err(format!(
                                "malformed module accepted (expected \"{message}\")"
                            )),
                        }
                    }
                }
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => encode(&mut module).and_then(|bytes| match Module::decode(&bytes) {
                Err(e) => Err(format!(
                    "invalid module rejected as malformed ({e}), expected \"{message}\""
                )),
                Ok(m) => match m.validate() {
                    Err(e) if e.to_string().contains(message) => Ok(()),
                    Err(e) => Err(format!(
                        "rejected for the wrong reason: expected \"{message}\", got \"{e}\""
                    )),
                    Ok(_) => Err(format!("invalid module accepted (expected \"{message}\")")),
                },
            }),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                match module
                    .encode()
                    .map_err(|e| format!("wast cannot encode the module: {e}"))
                {
                    Err(e) => Err(e),
                    Ok(bytes) => match self.instantiate(&bytes) {
                        Ok(_) => Err(format!("linked, expected \"{message}\"")),
                        Err(Failure::Load(e)) => Err(e),
                        Err(Failure::Instantiate(e)) if e.contains("import") => Ok(()),
                        Err(Failure::Instantiate(e)) => {
                            Err(format!("failed with \"{e}\", expected \"{message}\""))
                        }
                    },
                }
            }
            WastDirective::Register { name, module, .. } => self.instance(module).map(|id| {
                self.registered.insert(name.to_string(), id);
            }),
            WastDirective::Invoke(call) => match self.invoke(&call) {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(trap)) => Err(format!("trapped: {trap}")),
                Err(e) => Err(e),
            },
            WastDirective::AssertReturn {
                mut exec, results, ..
            } => match self.execute(&mut exec) {
                Ok(Ok(actual)) => {
                    let matches = results.len() == actual.len()
                        && results.iter().zip(&actual).all(|(r, a)| match r {
                            WastRet::Core(expected) => result_matches(expected, a),
                            _ => false,
                        });
                    if matches {
                        Ok(())
                    } else {
                        Err(format!("returned {actual:?}, expected {results:?}"))
                    }
                }
                Ok(Err(trap)) => Err(format!("trapped: {trap}")),
                Err(e) => Err(e),
            },
            WastDirective::AssertTrap {
                mut exec, message, ..
            } => match self.execute(&mut exec) {
                Ok(Ok(actual)) => Err(format!("returned {actual:?}, expected trap \"{message}\"")),
                Ok(Err(trap)) if trap.contains(message) => Ok(()),
                Ok(Err(trap)) => Err(format!("trapped with \"{trap}\", expected \"{message}\"")),
                Err(e) => Err(e),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Err(Trap::StackExhausted)) => Ok(()),
                Ok(other) => Err(format!("got {other:?}, expected \"{message}\"")),
                Err(e) => Err(e),
            },
            other => Err(format!("directive not part of WebAssembly 2.0: {other:?}")),
        };
        match outcome {
            Ok(()) => tally.passed += 1,
            Err(why) => tally.failures.push(format!("line {line}: {why}")),
        }
    }
}

/// Runs one script of the suite on stores made by `new_store` and asserts that every
/// directive passes.
pub fn run_script(file: &str, new_store: impl Fn() -> Store) {
    let Some(dir) = heirloom_testkit::suite("wasm-spec-2.0") else {
        return;
    };
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // `names.wast` deliberately contains bidirectional-override characters.
    let mut lexer = Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).unwrap_or_else(|e| panic!("{file}: {e}"));
    let wast: Wast<'_> = parser::parse(&buf).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut runner = Runner::new(new_store());
    let mut tally = Tally::default();
    for directive in wast.directives {
        let (line, _) = directive.span().linecol_in(&text);
        runner.directive(directive, line + 1, &mut tally);
    }
    let mut report = format!(
        "{file} on the {} engine: {} passed ({} of them rejected by the wast parser), {} failed\n",
        runner.store.engine_name(),
        tally.passed + tally.passed_by_parser,
        tally.passed_by_parser,
        tally.failures.len()
    );
    for note in &tally.notes {
        report.push_str(&format!("  note {file} {note}\n"));
    }
    for failure in &tally.failures {
        report.push_str(&format!("  FAIL {file} {failure}\n"));
    }
    // One write, so that reports of scripts running in parallel do not interleave.
    print!("{report}");
    assert!(
        tally.failures.is_empty(),
        "{file}: {} directive(s) failed",
        tally.failures.len()
    );
}

/// Calls macro `$m` with the list of the suite's scripts: `test_name => "file.wast",`.
#[macro_export]
macro_rules! with_scripts {
    ($m:ident) => {
        $m! {
        wast_address => "address.wast",
        wast_align => "align.wast",
        wast_binary_leb128 => "binary-leb128.wast",
        wast_binary => "binary.wast",
        wast_block => "block.wast",
        wast_br => "br.wast",
        wast_br_if => "br_if.wast",
        wast_br_table => "br_table.wast",
        wast_bulk => "bulk.wast",
        wast_call => "call.wast",
        wast_call_indirect => "call_indirect.wast",
        wast_comments => "comments.wast",
        wast_const => "const.wast",
        wast_conversions => "conversions.wast",
        wast_custom => "custom.wast",
        wast_data => "data.wast",
        wast_elem => "elem.wast",
        wast_endianness => "endianness.wast",
        wast_exports => "exports.wast",
        wast_f32 => "f32.wast",
        wast_f32_bitwise => "f32_bitwise.wast",
        wast_f32_cmp => "f32_cmp.wast",
        wast_f64 => "f64.wast",
        wast_f64_bitwise => "f64_bitwise.wast",
        wast_f64_cmp => "f64_cmp.wast",
        wast_fac => "fac.wast",
        wast_float_exprs => "float_exprs.wast",
        wast_float_literals => "float_literals.wast",
        wast_float_memory => "float_memory.wast",
        wast_float_misc => "float_misc.wast",
        wast_forward => "forward.wast",
        wast_func => "func.wast",
        wast_func_ptrs => "func_ptrs.wast",
        wast_global => "global.wast",
        wast_i32 => "i32.wast",
        wast_i64 => "i64.wast",
        wast_if => "if.wast",
        wast_imports => "imports.wast",
        wast_inline_module => "inline-module.wast",
        wast_int_exprs => "int_exprs.wast",
        wast_int_literals => "int_literals.wast",
        wast_labels => "labels.wast",
        wast_left_to_right => "left-to-right.wast",
        wast_linking => "linking.wast",
        wast_load => "load.wast",
        wast_local_get => "local_get.wast",
        wast_local_set => "local_set.wast",
        wast_local_tee => "local_tee.wast",
        wast_loop => "loop.wast",
        wast_memory => "memory.wast",
        wast_memory_copy => "memory_copy.wast",
        wast_memory_fill => "memory_fill.wast",
        wast_memory_grow => "memory_grow.wast",
        wast_memory_init => "memory_init.wast",
        wast_memory_redundancy => "memory_redundancy.wast",
        wast_memory_size => "memory_size.wast",
        wast_memory_trap => "memory_trap.wast",
        wast_names => "names.wast",
        wast_nop => "nop.wast",
        wast_obsolete_keywords => "obsolete-keywords.wast",
        wast_ref_func => "ref_func.wast",
        wast_ref_is_null => "ref_is_null.wast",
        wast_ref_null => "ref_null.wast",
        wast_return => "return.wast",
        wast_select => "select.wast",
        wast_simd_address => "simd_address.wast",
        wast_simd_align => "simd_align.wast",
        wast_simd_bit_shift => "simd_bit_shift.wast",
        wast_simd_bitwise => "simd_bitwise.wast",
        wast_simd_boolean => "simd_boolean.wast",
        wast_simd_const => "simd_const.wast",
        wast_simd_conversions => "simd_conversions.wast",
        wast_simd_f32x4 => "simd_f32x4.wast",
        wast_simd_f32x4_arith => "simd_f32x4_arith.wast",
        wast_simd_f32x4_cmp => "simd_f32x4_cmp.wast",
        wast_simd_f32x4_pmin_pmax => "simd_f32x4_pmin_pmax.wast",
        wast_simd_f32x4_rounding => "simd_f32x4_rounding.wast",
        wast_simd_f64x2 => "simd_f64x2.wast",
        wast_simd_f64x2_arith => "simd_f64x2_arith.wast",
        wast_simd_f64x2_cmp => "simd_f64x2_cmp.wast",
        wast_simd_f64x2_pmin_pmax => "simd_f64x2_pmin_pmax.wast",
        wast_simd_f64x2_rounding => "simd_f64x2_rounding.wast",
        wast_simd_i16x8_arith => "simd_i16x8_arith.wast",
        wast_simd_i16x8_arith2 => "simd_i16x8_arith2.wast",
        wast_simd_i16x8_cmp => "simd_i16x8_cmp.wast",
        wast_simd_i16x8_extadd_pairwise_i8x16 => "simd_i16x8_extadd_pairwise_i8x16.wast",
        wast_simd_i16x8_extmul_i8x16 => "simd_i16x8_extmul_i8x16.wast",
        wast_simd_i16x8_q15mulr_sat_s => "simd_i16x8_q15mulr_sat_s.wast",
        wast_simd_i16x8_sat_arith => "simd_i16x8_sat_arith.wast",
        wast_simd_i32x4_arith => "simd_i32x4_arith.wast",
        wast_simd_i32x4_arith2 => "simd_i32x4_arith2.wast",
        wast_simd_i32x4_cmp => "simd_i32x4_cmp.wast",
        wast_simd_i32x4_dot_i16x8 => "simd_i32x4_dot_i16x8.wast",
        wast_simd_i32x4_extadd_pairwise_i16x8 => "simd_i32x4_extadd_pairwise_i16x8.wast",
        wast_simd_i32x4_extmul_i16x8 => "simd_i32x4_extmul_i16x8.wast",
        wast_simd_i32x4_trunc_sat_f32x4 => "simd_i32x4_trunc_sat_f32x4.wast",
        wast_simd_i32x4_trunc_sat_f64x2 => "simd_i32x4_trunc_sat_f64x2.wast",
        wast_simd_i64x2_arith => "simd_i64x2_arith.wast",
        wast_simd_i64x2_arith2 => "simd_i64x2_arith2.wast",
        wast_simd_i64x2_cmp => "simd_i64x2_cmp.wast",
        wast_simd_i64x2_extmul_i32x4 => "simd_i64x2_extmul_i32x4.wast",
        wast_simd_i8x16_arith => "simd_i8x16_arith.wast",
        wast_simd_i8x16_arith2 => "simd_i8x16_arith2.wast",
        wast_simd_i8x16_cmp => "simd_i8x16_cmp.wast",
        wast_simd_i8x16_sat_arith => "simd_i8x16_sat_arith.wast",
        wast_simd_int_to_int_extend => "simd_int_to_int_extend.wast",
        wast_simd_lane => "simd_lane.wast",
        wast_simd_linking => "simd_linking.wast",
        wast_simd_load => "simd_load.wast",
        wast_simd_load16_lane => "simd_load16_lane.wast",
        wast_simd_load32_lane => "simd_load32_lane.wast",
        wast_simd_load64_lane => "simd_load64_lane.wast",
        wast_simd_load8_lane => "simd_load8_lane.wast",
        wast_simd_load_extend => "simd_load_extend.wast",
        wast_simd_load_splat => "simd_load_splat.wast",
        wast_simd_load_zero => "simd_load_zero.wast",
        wast_simd_select => "simd_select.wast",
        wast_simd_splat => "simd_splat.wast",
        wast_simd_store => "simd_store.wast",
        wast_simd_store16_lane => "simd_store16_lane.wast",
        wast_simd_store32_lane => "simd_store32_lane.wast",
        wast_simd_store64_lane => "simd_store64_lane.wast",
        wast_simd_store8_lane => "simd_store8_lane.wast",
        wast_skip_stack_guard_page => "skip-stack-guard-page.wast",
        wast_stack => "stack.wast",
        wast_start => "start.wast",
        wast_store => "store.wast",
        wast_switch => "switch.wast",
        wast_table_sub => "table-sub.wast",
        wast_table => "table.wast",
        wast_table_copy => "table_copy.wast",
        wast_table_fill => "table_fill.wast",
        wast_table_get => "table_get.wast",
        wast_table_grow => "table_grow.wast",
        wast_table_init => "table_init.wast",
        wast_table_set => "table_set.wast",
        wast_table_size => "table_size.wast",
        wast_token => "token.wast",
        wast_traps => "traps.wast",
        wast_type => "type.wast",
        wast_unreachable => "unreachable.wast",
        wast_unreached_invalid => "unreached-invalid.wast",
        wast_unreached_valid => "unreached-valid.wast",
        wast_unwind => "unwind.wast",
        wast_utf8_custom_section_id => "utf8-custom-section-id.wast",
        wast_utf8_import_field => "utf8-import-field.wast",
        wast_utf8_import_module => "utf8-import-module.wast",
        wast_utf8_invalid_encoding => "utf8-invalid-encoding.wast",
            }
    };
}
