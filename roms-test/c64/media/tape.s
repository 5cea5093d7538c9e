; A whole .t64 tape archive written as source: the header, one directory entry, then the
; program `10 PRINT"HELLO FROM A TAPE"` loaded at $0801.
DATA = $0801

* = DATA - $60
        .text "C64S tape image file"
        .fill 12                ; the signature is padded to 32 bytes
        .word $0101             ; version
        .word 1                 ; directory slots
        .word 1                 ; used
        .word 0
        .text "HEIRLOOM TAPE           "
        ; the directory entry
        .byte 1                 ; a normal file
        .byte $82               ; PRG
        .word DATA              ; start address
        .word end               ; end address
        .word 0
        .word $60, 0            ; offset of the data in the archive
        .word 0, 0
        .text "HELLO           "
line10: .word end - 2, 10
        .byte $99               ; PRINT
        .byte $22
        .petscii "hello from a tape"
        .byte $22, 0
        .word 0
end:
