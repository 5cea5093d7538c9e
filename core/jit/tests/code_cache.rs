//! The on-disk code cache and parallel compilation, through the engine's public API:
//! code found in the cache runs as freshly compiled code does, a damaged cache file is
//! never used, and compiling on several threads gives the very same code as one.

use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use heirloom_jit::{CacheStats, Jit};
use heirloom_wasm::Module;
use heirloom_wasm::exec::{Config, Extern, Store, Value};

/// The binary of a module in text format.
fn wat(text: &str) -> Vec<u8> {
    let buffer = wast::parser::ParseBuffer::new(text).expect("the text lexes");
    let mut module = wast::parser::parse::<wast::Wat>(&buffer).expect("the text parses");
    module.encode().expect("the module encodes")
}

/// A module exporting one function, imported by [`user`].
const LIBRARY: &str = r#"(module
  (func (export "double") (param i32) (result i32)
    local.get 0 local.get 0 i32.add))"#;

/// A module using everything that lives outside its code: an imported function, a
/// global, a memory that grows, a table called through.
const USER: &str = r#"(module
  (import "lib" "double" (func $double (param i32) (result i32)))
  (type $unary (func (param i32) (result i32)))
  (memory 1)
  (global $total (mut i32) (i32.const 7))
  (table 2 funcref)
  (elem (i32.const 0) $square $double)
  (func $square (param i32) (result i32)
    local.get 0 local.get 0 i32.mul)
  (func (export "run") (param $n i32) (result i32) (local $i i32)
    (drop (memory.grow (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.mul (local.get $i) (i32.const 4))
          (i32.add
            (call_indirect (type $unary) (local.get $i) (i32.rem_u (local.get $i) (i32.const 2)))
            (call $double (local.get $i))))
        (global.set $total
          (i32.add (global.get $total) (i32.load (i32.mul (local.get $i) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.add (global.get $total) (memory.size))))"#;

/// A folder of its own for one test, empty.
fn cache_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("code-cache-{name}"));
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The cache files in `dir`.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.expect("readable").path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Instantiates the library and the user module in a new store of `engine` (or of the
/// interpreter), and calls `run(40)`.
fn run_user(engine: Option<&Rc<Jit>>) -> Vec<Value> {
    let mut store = match engine {
        Some(engine) => Store::with_engine(Config::default(), engine.clone()),
        None => Store::default(),
    };
    let library = Module::from_bytes(&wat(LIBRARY)).expect("valid");
    let library = store.instantiate(&library, &[]).expect("instantiates");
    let Some(double) = store.export(library, "double") else {
        panic!("no double export")
    };
    let user = Module::from_bytes(&wat(USER)).expect("valid");
    let user = store.instantiate(&user, &[double]).expect("instantiates");
    let Some(Extern::Func(run)) = store.export(user, "run") else {
        panic!("no run export")
    };
    store.invoke(run, &[Value::I32(40)]).expect("runs")
}

fn cached_engine(dir: &Path) -> Rc<Jit> {
    Rc::new(Jit::new().expect("supported host").with_cache(dir))
}

#[test]
fn code_from_the_cache_runs_as_fresh_code_does() {
    let dir = cache_dir("reuse");
    let expected = run_user(None);

    let first = cached_engine(&dir);
    assert_eq!(run_user(Some(&first)), expected);
    assert_eq!(
        first.cache_stats(),
        CacheStats {
            misses: 2,
            writes: 2,
            ..CacheStats::default()
        },
        "both modules compiled and stored"
    );
    assert_eq!(cache_files(&dir).len(), 2);

    // A new engine stands for a new process: nothing but the files is shared.
    let second = cached_engine(&dir);
    assert_eq!(run_user(Some(&second)), expected);
    assert_eq!(
        second.cache_stats(),
        CacheStats {
            hits: 2,
            ..CacheStats::default()
        }
    );
}

#[test]
fn a_damaged_cache_file_is_compiled_again_and_replaced() {
    let dir = cache_dir("damaged");
    let expected = run_user(None);
    run_user(Some(&cached_engine(&dir)));
    let files = cache_files(&dir);
    let biggest = files
        .iter()
        .max_by_key(|f| fs::metadata(f).expect("exists").len())
        .expect("two files");
    let good = fs::read(biggest).expect("readable");

    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let truncated = good[..good.len() - 9].to_vec();
    for damaged in [flipped, truncated, Vec::new()] {
        fs::write(biggest, &damaged).expect("writable");
        let engine = cached_engine(&dir);
        assert_eq!(run_user(Some(&engine)), expected);
        let stats = engine.cache_stats();
        assert_eq!((stats.hits, stats.misses, stats.writes), (1, 1, 1));
        assert_eq!(fs::read(biggest).expect("readable"), good, "file replaced");
    }
}

#[test]
fn the_same_module_instantiated_differently_is_cached_apart() {
    let dir = cache_dir("shapes");
    let engine = cached_engine(&dir);
    let bytes = wat(LIBRARY);
    let mut store = Store::with_engine(Config::default(), engine.clone());
    let module = Module::from_bytes(&bytes).expect("valid");
    store.instantiate(&module, &[]).expect("instantiates");
    // The second instance has another index in the store, which its code embeds.
    store.instantiate(&module, &[]).expect("instantiates");
    assert_eq!(engine.cache_stats().misses, 2);
    assert_eq!(cache_files(&dir).len(), 2);
}

/// A module with many functions of some size: enough code to compile on several threads.
fn big_module() -> Vec<u8> {
    let mut text = String::from("(module (memory 1)\n");
    for f in 0..48 {
        text.push_str(&format!(
            "(func $f{f} (export \"f{f}\") (param $x i32) (result i32) (local $i i32)\n"
        ));
        text.push_str("(loop $again\n");
        for k in 0..20 {
            text.push_str(&format!(
                "(local.set $x (i32.xor (i32.mul (local.get $x) (i32.const {})) (i32.load offset={} (i32.const 0))))\n",
                2 * (f * 31 + k) + 1,
                4 * k
            ));
            text.push_str(&format!(
                "(i32.store offset={} (i32.const 0) (i32.add (local.get $x) (i32.const {k})))\n",
                4 * k
            ));
        }
        text.push_str(
            "(local.set $i (i32.add (local.get $i) (i32.const 1)))\n\
             (br_if $again (i32.lt_u (local.get $i) (i32.const 3))))\n",
        );
        if f > 0 {
            text.push_str(&format!("(call $f{} (local.get $x)))\n", f - 1));
        } else {
            text.push_str("(local.get $x))\n");
        }
    }
    text.push(')');
    wat(&text)
}

#[test]
fn several_threads_generate_the_same_code_as_one() {
    let bytes = big_module();
    let mut results = Vec::new();
    let mut files = Vec::new();
    for threads in [1, 4] {
        let dir = cache_dir(&format!("threads{threads}"));
        let engine = Rc::new(
            Jit::new()
                .expect("supported host")
                .with_threads(threads)
                .with_cache(&dir),
        );
        let mut store = Store::with_engine(Config::default(), engine);
        let module = Module::from_bytes(&bytes).expect("valid");
        let instance = store.instantiate(&module, &[]).expect("instantiates");
        let Some(Extern::Func(last)) = store.export(instance, "f47") else {
            panic!("no f47 export")
        };
        results.push(store.invoke(last, &[Value::I32(12345)]).expect("runs"));
        let [file] = cache_files(&dir).try_into().expect("one file");
        files.push(fs::read(file).expect("readable"));
    }
    assert_eq!(results[0], results[1]);
    assert!(
        files[0] == files[1],
        "the code differs between 1 and 4 threads"
    );

    let mut interpreter = Store::default();
    let module = Module::from_bytes(&bytes).expect("valid");
    let instance = interpreter.instantiate(&module, &[]).expect("instantiates");
    let Some(Extern::Func(last)) = interpreter.export(instance, "f47") else {
        panic!("no f47 export")
    };
    assert_eq!(
        interpreter
            .invoke(last, &[Value::I32(12345)])
            .expect("runs"),
        results[0]
    );
}
