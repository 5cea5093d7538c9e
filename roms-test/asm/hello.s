; Prints "HI!" through the KERNAL, then flashes the border through a colour table.
; Assembles to a known byte sequence (see cores/asm6502/tests/program.rs).

        .include "c64.inc"

        * = $c000

start:  lda #<message       ; pointer to the text
        sta ptr
        lda #>message
        sta ptr+1
        ldy #0
.loop:  lda (ptr),y         ; print until the zero byte
        beq .done
        jsr CHROUT
        iny
        bne .loop
.done:  ldx #colors_len-1   ; constant defined further down
@next   lda colors,x
        sta BORDER
        dex
        bpl @next
        rts

message: .petscii "hi!", 13
        .byte 0
colors  .byte 2, 5, 6, 7
colors_len = * - colors
