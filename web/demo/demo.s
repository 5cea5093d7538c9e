; Heirloom's demo program, served by `cargo xtask serve`: a greeting printed through the
; KERNAL, then colour bars: the border takes the colour of the raster line it is on.
; (`.petscii` maps lower-case ASCII to the capitals of the C64's power-on character set.)

CHROUT = $ffd2
RASTER = $d012
BORDER = $d020

* = $0801
        .word basic_end, 10     ; 10 SYS2061
        .byte $9e
        .text "2061"
        .byte 0
basic_end:
        .word 0

start:  ldx #0
.print: lda greeting,x
        beq .bars
        jsr CHROUT
        inx
        bne .print
.bars:  lda RASTER
        sta BORDER
        jmp .bars

greeting:
        .byte 147               ; clear the screen
        .petscii "hello from heirloom!"
        .byte 13, 13
        .petscii "this c64 runs in your browser, behind"
        .byte 13
        .petscii "a login with a second factor."
        .byte 13, 0
