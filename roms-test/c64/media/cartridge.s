; A whole .crt file written as source: a normal 8K cartridge (EXROM low) whose ROM at
; $8000 answers the KERNAL's reset with CBM80, sets the machine up as the KERNAL would and
; prints a line, then waits.
CHROUT = $ffd2
SCINIT = $ff81
IOINIT = $ff84
RAMTAS = $ff87
RESTOR = $ff8a

* = $8000 - $50
        .text "C64 CARTRIDGE   "
        .byte 0, 0, 0, $40      ; header length (big-endian)
        .byte 1, 0              ; version 1.0
        .byte 0, 0              ; hardware type 0: normal cartridge
        .byte 0                 ; EXROM line low
        .byte 1                 ; GAME line high: 8K at $8000
        .fill 6
        .text "HEIRLOOM TEST CARTRIDGE"
        .fill 9
        .text "CHIP"
        .byte 0, 0, $20, $10    ; packet length
        .byte 0, 0              ; ROM
        .byte 0, 0              ; bank 0
        .byte $80, $00          ; loaded at $8000
        .byte $20, $00          ; 8 KiB

        .word cold, warm
        .byte $c3, $c2, $cd, $38, $30   ; CBM80
cold:   sei
        jsr IOINIT
        jsr RAMTAS
        jsr RESTOR
        jsr SCINIT
        cli
warm:   ldx #0
.print: lda greeting,x
        beq .wait
        jsr CHROUT
        inx
        bne .print
.wait:  jmp .wait
greeting:
        .petscii "hello from a cartridge"
        .byte 13, 0
        .fill $a000 - *
