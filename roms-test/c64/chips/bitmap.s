; Standard (hires) bitmap at $2000, colours from the screen matrix at $0400 (golden
; picture chips/bitmap).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        .include "bitmap.inc"
        lda #$18
        sta $d018
        lda #$3b
        sta $d011
        lda #$c8
        sta $d016
done:   jmp done
