//! A 6502 assembler and disassembler in the common syntax, and the BASIC type-in loader writer (being built).
