//! A two-pass assembler and a disassembler for the NMOS 6502, and a writer for BASIC
//! type-in loaders.
//!
//! ```
//! use heirloom_asm6502::{assemble, disassemble, MemoryLoader};
//!
//! let source = "* = $c000\nstart:  lda #$01\n        sta $d020\n        rts\n";
//! let program = assemble("demo.s", source, &MemoryLoader::new()).unwrap();
//! assert_eq!(program.load_address, 0xc000);
//! assert_eq!(program.bytes, [0xa9, 0x01, 0x8d, 0x20, 0xd0, 0x60]);
//! assert_eq!(program.address_of("start"), Some(0xc000));
//! assert_eq!(disassemble(&program.bytes, 0xc000)[1].text, "sta $d020");
//! ```
//!
//! # Source syntax
//!
//! One statement per line; `;` starts a comment. Mnemonics, register names and
//! directives are case-insensitive; symbols are case-sensitive.
//!
//! * **Labels**: `name:` anywhere on a line, or a bare `name` starting in column 1 that is
//!   not a mnemonic (`loop  dex`). A label takes the address of its line.
//! * **Local labels**: `.name:` (the colon is required: a bare `.name` is a directive) or
//!   `@name` (colon optional, any column). Both spellings name the same label, which
//!   belongs to the most recent global label, so every routine can have its own `.loop`;
//!   uses are written the same way (`bne .loop`, `bne @loop`). In the symbol table they
//!   appear as `global.name`. Local labels before the first global label belong to the
//!   empty scope.
//! * **Constants**: `name = expr` or `name .equ expr`. Constants may refer to later
//!   labels.
//! * **Origin**: `* = expr` (or `*=expr`, `.org expr`) sets the address of what follows;
//!   its value must be known when reached. A program may have several origins; the
//!   output is one block from the lowest to the highest address written, gaps filled
//!   with zero. Writing an address twice is an error.
//! * **Data**: `.byte` (also `.byt`, `.db`, `.text`, `.ascii`) takes values and strings;
//!   strings are stored as the ASCII bytes written. `.petscii` (`.pet`) is the same but
//!   converts strings to PETSCII as a C64 types them: `a`–`z` → `$41`–`$5a`, `A`–`Z` →
//!   `$c1`–`$da`, other characters unchanged. `.word` (`.dw`, `.addr`) stores 16-bit
//!   values little-endian. `.fill count [, value]` (`.res`) stores `count` copies of a byte
//!   (default 0); the count must be known when reached.
//! * **Include**: `.include "file"` reads another source through the [`SourceLoader`]
//!   given to [`assemble`]. A file that includes itself, directly or not, is an error.
//! * **Numbers**: decimal `42`, hex `$2a`, binary `%101010`, character `'*'`. Strings and
//!   characters are printable ASCII with the escapes `\\ \" \' \n \r \0 \xNN`.
//! * **Expressions**: `+ - * /` (integer, `/` truncates), parentheses, unary `-`, and
//!   `<` / `>` for the low / high byte. A leading `<` or `>` applies to the whole rest of
//!   the expression (`#>table+1` is the high byte of `table+1`); after an operator it
//!   applies to the next value only. `*` where a value is expected is the address of the
//!   current line (`bne *-2`).
//! * **Instructions**: all 151 documented opcodes, and the undocumented ones under their
//!   usual names: `slo rla sre rra sax lax dcp isc anc alr arr sbx sha shx shy tas las ane
//!   lxa jam` and `nop` with operands (aliases such as `isb`, `dcm`, `asr`, `axs`, `lse`,
//!   `aso`, `ahx`, `xaa`, `kil` are accepted). Operand forms: none or `a` (accumulator),
//!   `#value`, `addr`, `addr,x`, `addr,y`, `(addr)` (`jmp` only), `(zp,x)`, `(zp),y`;
//!   branch operands are target addresses. Zero page is chosen over absolute when the
//!   value is already known at that point and fits a byte; a forward reference is always
//!   absolute. `a:` / `z:` before the operand force absolute / zero page
//!   (`lda a:$0012`). A lone `a` operand is always the accumulator (so a symbol named `a`
//!   cannot be a lone operand).
//!
//! Errors carry `file:line:column` and are all collected ([`Errors`]).

mod assemble;
mod basic_loader;
mod disasm;
mod error;
mod expr;
mod lexer;
mod loader;
pub mod opcodes;
mod parser;

pub use assemble::{Assembly, Symbol, SymbolKind, assemble};
pub use basic_loader::{
    BYTES_PER_LINE, DATA_LINE_STEP, FIRST_DATA_LINE, LoaderError, basic_loader, checksum,
};
pub use disasm::{DisasmLine, disassemble, disassemble_to_source};
pub use error::{Error, ErrorKind, Errors, Location};
pub use loader::{FsLoader, MemoryLoader, Source, SourceLoader};
