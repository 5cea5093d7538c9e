//! `heirloom wasm`: runs, validates and inspects WebAssembly modules.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use heirloom_wasm::exec::{Config, Extern, InstantiationError, Store, Trap, Value};
use heirloom_wasm::wasi::{Input, Output, Wasi, WasiConfig};
use heirloom_wasm::{
    ExportDesc, ImportDesc, Linker, Module, ValType, ValidatedModule, describe_func_type,
    describe_import,
};

use crate::error::CliError;

const WASM_EXAMPLES: &str = "\
Examples:
  heirloom wasm run add.wasm --invoke add 3 5
  heirloom wasm run hello.wasm -- --name world
  heirloom wasm validate app.wasm
  heirloom wasm inspect app.wasm";

const RUN_EXAMPLES: &str = "\
Examples:
  heirloom wasm run add.wasm --invoke add 3 5
  heirloom wasm run fadd.wasm --invoke add 3.25 5
  heirloom wasm run app.wasm --dir ./data::/data --fuel 100000000 -- input.txt
  heirloom wasm run app.wasm --max-memory 64MiB --timeout 10

With --invoke, each result is printed on its own line: integers in decimal, floats in the
shortest form that reads back exactly. Without it, the module's `_start` runs with WASI
(standard streams passed through, arguments after --); its exit status becomes this
command's. A trap prints its code and the wasm backtrace on stderr and exits 1.";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  heirloom wasm validate app.wasm

Prints `valid`, or the reason the module is malformed or invalid (and exits 1).";

const INSPECT_EXAMPLES: &str = "\
Examples:
  heirloom wasm inspect app.wasm

Lists the imports and exports with their types, and the size of every section.";

/// Runs, validates and inspects WebAssembly modules.
#[derive(Debug, clap::Args)]
#[command(after_help = WASM_EXAMPLES)]
pub struct WasmArgs {
    #[command(subcommand)]
    command: WasmCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WasmCommand {
    Run(RunArgs),
    /// Checks that a module is well-formed and valid.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ModuleArgs),
    /// Lists a module's imports, exports and sections.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(ModuleArgs),
}

/// The engine that executes the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    /// The portable interpreter.
    Interp,
    /// Native code compiled by Cranelift.
    Jit,
}

/// Runs a module: its `_start` under WASI, or one exported function.
#[derive(Debug, clap::Args)]
#[command(after_help = RUN_EXAMPLES)]
struct RunArgs {
    /// The module (.wasm).
    module: PathBuf,
    /// Call this exported function with ARGS instead of running `_start`.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// The function's arguments (with --invoke), or the program's arguments.
    #[arg(
        value_name = "ARGS",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    args: Vec<String>,
    /// The execution engine.
    #[arg(long, value_enum, default_value = "interp")]
    engine: Engine,
    /// With the JIT: keep compiled code in this folder and reuse it on the next run of
    /// the same module.
    #[arg(long, value_name = "DIR")]
    jit_cache: Option<PathBuf>,
    /// Stop with a trap after this many executed instructions.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Stop with a trap after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// The most memory the module may have: bytes, or with a KiB, MiB or GiB suffix
    /// [default: 4GiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
    /// Let the program use the host folder HOST, seen as GUEST (default `.`); paths
    /// cannot leave it.
    #[arg(long, value_name = "HOST[::GUEST]")]
    dir: Option<String>,
    /// Set an environment variable for the program (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    env: Vec<String>,
}

/// A module to validate or inspect.
#[derive(Debug, clap::Args)]
struct ModuleArgs {
    /// The module (.wasm).
    module: PathBuf,
}

/// Parses `65536`, `64KiB`, `16MiB`, `1GiB` (also `K`, `M`, `G`) into bytes.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        "g" | "gib" | "gb" => 1 << 30,
        _ => {
            return Err(format!(
                "`{text}`: unknown unit (use bytes, KiB, MiB or GiB)"
            ));
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size like 65536, 64KiB or 16MiB"))?;
    n.checked_mul(scale)
        .filter(|&b| b <= 1 << 32)
        .ok_or_else(|| format!("`{text}`: more than the 4GiB a module can address"))
}

/// Runs `heirloom wasm`.
pub fn run(args: &WasmArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        WasmCommand::Run(run) => run_module(run),
        WasmCommand::Validate(m) => {
            load(&m.module)?;
            println!("valid");
            Ok(ExitCode::SUCCESS)
        }
        WasmCommand::Inspect(m) => inspect(&m.module),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::io(path, e))
}

fn load(path: &Path) -> Result<ValidatedModule, CliError> {
    Module::from_bytes(&read(path)?).map_err(|source| CliError::WasmModule {
        file: path.display().to_string(),
        source,
    })
}

fn run_module(args: &RunArgs) -> Result<ExitCode, CliError> {
    let file = args.module.display().to_string();
    let module = load(&args.module)?;
    let mut config = Config::default();
    if let Some(bytes) = args.max_memory {
        config.max_memory_pages = (bytes / 65536) as u32;
    }
    if args.jit_cache.is_some() && args.engine != Engine::Jit {
        return Err(CliError::Usage("--jit-cache needs --engine jit".into()));
    }
    let mut store = match args.engine {
        Engine::Interp => Store::new(config),
        Engine::Jit => {
            let jit = heirloom_jit::Jit::new()
                .map_err(|err| CliError::Usage(format!("--engine jit: {err}")))?;
            let jit = match &args.jit_cache {
                Some(dir) => jit.with_cache(dir),
                None => jit,
            };
            Store::with_engine(config, std::rc::Rc::new(jit))
        }
    };
    store.set_fuel(args.fuel);
    if let Some(seconds) = args.timeout {
        let limit = Duration::try_from_secs_f64(seconds)
            .map_err(|_| CliError::Usage(format!("--timeout {seconds}: not a duration")))?;
        store.set_deadline(Instant::now().checked_add(limit));
    }

    let program = args
        .module
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let mut wasi_config = WasiConfig {
        args: std::iter::once(program).collect(),
        stdin: Input::Inherit,
        stdout: Output::Inherit,
        stderr: Output::Inherit,
        ..WasiConfig::default()
    };
    if args.invoke.is_none() {
        wasi_config.args.extend(args.args.iter().cloned());
    }
    for pair in &args.env {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--env {pair}: expected KEY=VALUE")))?;
        wasi_config.env.push((key.into(), value.into()));
    }
    if let Some(dir) = &args.dir {
        let (host, guest) = dir.split_once("::").unwrap_or((dir, "."));
        wasi_config.preopen = Some((PathBuf::from(host), guest.to_owned()));
    }
    let wasi = Wasi::new(wasi_config)?;
    let mut linker = Linker::new();
    wasi.link(&mut store, &mut linker, &module);
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        // The start function may already end the program.
        Err(InstantiationError::Trap(Trap::Exit(status))) => {
            return Ok(ExitCode::from(status as u8));
        }
        Err(InstantiationError::Trap(trap)) => {
            return Ok(report_trap(&file, &module, &store, &trap));
        }
        Err(source) => return Err(CliError::WasmInstantiate { file, source }),
    };

    let Some(name) = &args.invoke else {
        if !matches!(store.export(instance, "_start"), Some(Extern::Func(_))) {
            return Err(CliError::Usage(format!(
                "{file}: exports no `_start` function to run; call one with --invoke NAME \
                 (it exports: {})",
                exported_functions(&module)
            )));
        }
        return match wasi.run(&mut store, instance) {
            Ok(status) => Ok(ExitCode::from(status as u8)),
            Err(trap) => Ok(report_trap(&file, &module, &store, &trap)),
        };
    };
    let Some(Extern::Func(func)) = store.export(instance, name) else {
        return Err(CliError::Usage(format!(
            "--invoke {name}: the module exports no such function (it exports: {})",
            exported_functions(&module)
        )));
    };
    let ty = store.func_type(func).clone();
    if args.args.len() != ty.params.len() {
        return Err(CliError::Usage(format!(
            "--invoke {name}: takes {} argument(s) {}, {} given",
            ty.params.len(),
            describe_func_type(&ty),
            args.args.len()
        )));
    }
    let values = ty
        .params
        .iter()
        .zip(&args.args)
        .map(|(&t, text)| parse_value(t, text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|reason| CliError::Usage(format!("--invoke {name}: {reason}")))?;
    match store.invoke(func, &values) {
        Ok(results) => {
            for r in results {
                println!("{}", format_value(r));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Trap::Exit(status)) => Ok(ExitCode::from(status as u8)),
        Err(trap) => Ok(report_trap(&file, &module, &store, &trap)),
    }
}

/// The names of a module's exported functions, comma separated (or `none`).
fn exported_functions(module: &ValidatedModule) -> String {
    let names: Vec<&str> = module
        .module()
        .exports
        .iter()
        .filter(|e| matches!(e.desc, ExportDesc::Func(_)))
        .map(|e| e.name.as_str())
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Parses an argument of type `t`: integers in decimal (or 0x hex; i32 also accepts
/// 0..=4294967295), floats in Rust syntax (`3.25`, `-0`, `inf`, `nan`).
fn parse_value(t: ValType, text: &str) -> Result<Value, String> {
    let bad = || format!("`{text}` is not an {t}");
    let int = |text: &str| -> Option<i128> {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let v = match digits.strip_prefix("0x") {
            Some(hex) => i128::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<i128>().ok()?,
        };
        Some(if neg { -v } else { v })
    };
    match t {
        ValType::I32 => int(text)
            .filter(|&v| v >= i128::from(i32::MIN) && v <= i128::from(u32::MAX))
            .map(|v| Value::I32(v as u32 as i32))
            .ok_or_else(bad),
        ValType::I64 => int(text)
            .filter(|&v| v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX))
            .map(|v| Value::I64(v as u64 as i64))
            .ok_or_else(bad),
        ValType::F32 => text
            .parse::<f32>()
            .map(|v| Value::F32(v.to_bits()))
            .map_err(|_| bad()),
        ValType::F64 => text
            .parse::<f64>()
            .map(|v| Value::F64(v.to_bits()))
            .map_err(|_| bad()),
        ValType::V128 | ValType::FuncRef | ValType::ExternRef => {
            Err(format!("{t} arguments cannot be given on the command line"))
        }
    }
}

/// A result as printed by `--invoke`.
fn format_value(v: Value) -> String {
    match v {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F32(bits) => f32::from_bits(bits).to_string(),
        Value::F64(bits) => f64::from_bits(bits).to_string(),
        Value::V128(v) => format!("0x{v:032x}"),
        Value::FuncRef(None) | Value::ExternRef(None) => "null".into(),
        Value::FuncRef(Some(_)) => "funcref".into(),
        Value::ExternRef(Some(r)) => format!("externref {r}"),
    }
}

/// Prints a trap and its wasm backtrace on stderr; the exit status for it.
fn report_trap(file: &str, module: &ValidatedModule, store: &Store, trap: &Trap) -> ExitCode {
    eprintln!("heirloom: {file}: trap: {trap}");
    let trace = store.last_backtrace();
    if !trace.is_empty() {
        eprintln!("wasm backtrace:");
        for (i, frame) in trace.iter().enumerate() {
            let name = function_name(module.module(), frame.func_index);
            match frame.instr {
                Some(at) => eprintln!(
                    "  {i}: {name} (func {}) at instruction {at}",
                    frame.func_index
                ),
                None => eprintln!("  {i}: {name} (func {})", frame.func_index),
            }
        }
    }
    ExitCode::FAILURE
}

/// A function's name from the name section, its export, or its import.
fn function_name(module: &Module, index: u32) -> String {
    if let Some(name) = module.names.functions.get(&index) {
        return name.clone();
    }
    if let Some(e) = module
        .exports
        .iter()
        .find(|e| e.desc == ExportDesc::Func(index))
    {
        return e.name.clone();
    }
    module
        .imports
        .iter()
        .filter(|i| matches!(i.desc, ImportDesc::Func(_)))
        .nth(index as usize)
        .map_or_else(
            || format!("func[{index}]"),
            |i| format!("{}.{}", i.module, i.name),
        )
}

fn inspect(path: &Path) -> Result<ExitCode, CliError> {
    let bytes = read(path)?;
    let file = path.display().to_string();
    let module = Module::decode(&bytes).map_err(|e| CliError::WasmModule {
        file: file.clone(),
        source: e.into(),
    })?;
    println!("imports:");
    for i in &module.imports {
        println!(
            "  {}.{}: {}",
            i.module,
            i.name,
            describe_import(&i.desc, &module.types)
        );
    }
    // Every index space, imports first, as import descriptions.
    let mut funcs = Vec::new();
    let mut tables = Vec::new();
    let mut mems = Vec::new();
    let mut globals = Vec::new();
    for i in &module.imports {
        match i.desc {
            ImportDesc::Func(_) => funcs.push(i.desc.clone()),
            ImportDesc::Table(_) => tables.push(i.desc.clone()),
            ImportDesc::Memory(_) => mems.push(i.desc.clone()),
            ImportDesc::Global(_) => globals.push(i.desc.clone()),
        }
    }
    funcs.extend(
        module
            .functions
            .iter()
            .map(|f| ImportDesc::Func(f.type_index)),
    );
    tables.extend(module.tables.iter().map(|t| ImportDesc::Table(t.ty)));
    mems.extend(module.memories.iter().map(|m| ImportDesc::Memory(m.ty)));
    globals.extend(module.globals.iter().map(|g| ImportDesc::Global(g.ty)));
    println!("exports:");
    for e in &module.exports {
        let desc = match e.desc {
            ExportDesc::Func(i) => funcs.get(i as usize),
            ExportDesc::Table(i) => tables.get(i as usize),
            ExportDesc::Memory(i) => mems.get(i as usize),
            ExportDesc::Global(i) => globals.get(i as usize),
        };
        let text = desc.map_or_else(|| "?".into(), |d| describe_import(d, &module.types));
        println!("  {}: {text}", e.name);
    }
    println!("sections:");
    for (name, size) in sections(&bytes) {
        println!("  {name:<12} {size} bytes");
    }
    Ok(ExitCode::SUCCESS)
}

/// The sections of a decoded binary, in order: name (custom sections by their own name)
/// and payload size.
fn sections(bytes: &[u8]) -> Vec<(String, u64)> {
    const NAMES: [&str; 13] = [
        "custom",
        "type",
        "import",
        "function",
        "table",
        "memory",
        "global",
        "export",
        "start",
        "element",
        "code",
        "data",
        "datacount",
    ];
    let leb = |at: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..35).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    let mut out = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let Some(size) = leb(&mut at) else { break };
        let body = at;
        let name = match NAMES.get(id as usize) {
            Some(&"custom") => {
                let mut p = body;
                let custom = leb(&mut p)
                    .and_then(|n| bytes.get(p..p + n as usize))
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default();
                format!("custom \"{custom}\"")
            }
            Some(n) => (*n).to_owned(),
            None => format!("unknown {id}"),
        };
        out.push((name, size));
        at = body.saturating_add(size as usize);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64KiB"), Ok(65536));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert!(parse_size("5GiB").is_err());
        assert!(parse_size("12 parsecs").is_err());
    }

    #[test]
    fn values_parse_and_print_exactly() {
        assert_eq!(parse_value(ValType::I32, "-1"), Ok(Value::I32(-1)));
        assert_eq!(parse_value(ValType::I32, "4294967295"), Ok(Value::I32(-1)));
        assert!(parse_value(ValType::I32, "4294967296").is_err());
        assert_eq!(parse_value(ValType::I64, "0x10"), Ok(Value::I64(16)));
        assert_eq!(format_value(Value::F32(8.25f32.to_bits())), "8.25");
        assert_eq!(format_value(Value::F64(0.1f64.to_bits())), "0.1");
        assert_eq!(format_value(Value::F32(8f32.to_bits())), "8");
        assert_eq!(format_value(Value::I64(-5)), "-5");
    }
}
