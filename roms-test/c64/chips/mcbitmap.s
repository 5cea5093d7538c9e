; Multicolour bitmap at $2000, colours from the screen matrix, colour RAM and
; $D021 (golden picture chips/mcbitmap).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        .include "bitmap.inc"
        lda #$18
        sta $d018
        lda #$3b
        sta $d011
        lda #$d8
        sta $d016
done:   jmp done
