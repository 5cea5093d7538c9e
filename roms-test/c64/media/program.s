; A .prg written as source: the load address, then `10 PRINT"HELLO FROM A PRG"`.
* = $0801 - 2
        .word $0801
line10: .word end, 10
        .byte $99               ; PRINT
        .byte $22
        .petscii "hello from a prg"
        .byte $22, 0
end:    .word 0
