//! `heirloom asm` and `heirloom disasm`: the 6502 assembler and disassembler.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use heirloom_asm6502::{Assembly, FsLoader, assemble, basic_loader, disassemble};

use crate::error::CliError;
use crate::files::write_atomically;

const ASM_EXAMPLES: &str = "\
Examples:
  heirloom asm border.s -o border.prg
  heirloom asm border.s --basic-loader -o border.bas --entry start

Syntax: labels (`name:`), local labels (`.loop:` / `@loop`), `* = $c000`, `.byte`, `.word`,
`.text`, `.petscii`, `.fill`, `name = expr`, `.include \"file\"`, expressions with
`< > + - * / ( )`. Errors are printed as file:line:column: message.";

const DISASM_EXAMPLES: &str = "\
Examples:
  heirloom disasm game.prg
  heirloom disasm kernal.bin --start '$e000'";

/// Assembles a 6502 source file into a `.prg`, or into a BASIC type-in listing.
#[derive(Debug, clap::Args)]
#[command(after_help = ASM_EXAMPLES)]
pub struct AsmArgs {
    /// The assembly source.
    source: PathBuf,
    /// Where to write the result [default: the source's name with .prg, or .bas with
    /// --basic-loader].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write a BASIC listing that POKEs the program from checksummed DATA lines and SYSes
    /// it, the way magazines printed machine code.
    #[arg(long)]
    basic_loader: bool,
    /// The entry point SYSed by --basic-loader: a label or an address ($c000, 49152)
    /// [default: the first byte of the program].
    #[arg(long, value_name = "LABEL|ADDR", requires = "basic_loader")]
    entry: Option<String>,
}

/// Disassembles a `.prg`, or a raw binary placed at `--start`.
#[derive(Debug, clap::Args)]
#[command(after_help = DISASM_EXAMPLES)]
pub struct DisasmArgs {
    /// A .prg (its first two bytes are the load address), or a raw binary with --start.
    file: PathBuf,
    /// Treat the file as raw bytes loaded at this address ($c000, 0xc000 or 49152).
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    start: Option<u16>,
}

/// Parses `$c000`, `0xc000` or `49152`.
fn parse_address(text: &str) -> Result<u16, String> {
    let parsed = if let Some(hex) = text.strip_prefix('$').or_else(|| text.strip_prefix("0x")) {
        u16::from_str_radix(hex, 16)
    } else {
        text.parse()
    };
    parsed.map_err(|_| format!("`{text}` is not an address from 0 to 65535 ($0000-$ffff)"))
}

/// Runs `heirloom asm`.
pub fn run_asm(args: &AsmArgs) -> Result<ExitCode, CliError> {
    let source = FsLoader::read_main(&args.source).map_err(|reason| CliError::Input {
        file: args.source.display().to_string(),
        reason,
    })?;
    let assembly = match assemble(&source.name, &source.text, &FsLoader) {
        Ok(assembly) => assembly,
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            return Err(CliError::Assembly {
                errors: errors.len(),
            });
        }
    };
    let (bytes, extension) = if args.basic_loader {
        let entry = entry_point(&assembly, args.entry.as_deref())?;
        let listing = basic_loader(&assembly, entry).map_err(|err| CliError::Input {
            file: args.source.display().to_string(),
            reason: err.to_string(),
        })?;
        (listing.into_bytes(), "bas")
    } else {
        (assembly.to_prg(), "prg")
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.source.with_extension(extension));
    write_atomically(&output, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

fn entry_point(assembly: &Assembly, entry: Option<&str>) -> Result<u16, CliError> {
    let Some(entry) = entry else {
        return Ok(assembly.load_address);
    };
    parse_address(entry).or_else(|_| {
        assembly
            .address_of(entry)
            .ok_or_else(|| CliError::Usage(format!("--entry {entry}: no such label or address")))
    })
}

/// Runs `heirloom disasm`.
pub fn run_disasm(args: &DisasmArgs) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(&args.file).map_err(|err| CliError::io(&args.file, err))?;
    let (start, code) = split_program(&args.file, &bytes, args.start)?;
    for line in disassemble(code, start) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The load address and the code of a file: a `.prg` header unless `start` is given.
fn split_program<'a>(
    file: &Path,
    bytes: &'a [u8],
    start: Option<u16>,
) -> Result<(u16, &'a [u8]), CliError> {
    match (start, bytes) {
        (Some(start), code) => Ok((start, code)),
        (None, [low, high, code @ ..]) => Ok((u16::from_le_bytes([*low, *high]), code)),
        (None, _) => Err(CliError::Input {
            file: file.display().to_string(),
            reason:
                "too short for a .prg (two bytes of load address); give --start for a raw binary"
                    .into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_every_notation() {
        assert_eq!(parse_address("$c000"), Ok(0xc000));
        assert_eq!(parse_address("0xC000"), Ok(0xc000));
        assert_eq!(parse_address("49152"), Ok(0xc000));
        assert!(parse_address("65536").is_err());
        assert!(parse_address("start").is_err());
    }

    #[test]
    fn prg_header_or_explicit_start() {
        let file = Path::new("x.prg");
        assert_eq!(
            split_program(file, &[0x00, 0xc0, 0xea], None).unwrap(),
            (0xc000, &[0xea][..])
        );
        assert_eq!(
            split_program(file, &[0x00, 0xc0], Some(0x1000)).unwrap(),
            (0x1000, &[0x00, 0xc0][..])
        );
        assert!(split_program(file, &[0x00], None).is_err());
    }
}
