; Multicolour text mode: colour RAM bit 3 set selects multicolour cells, with
; background colours 1 and 2 red and green (golden picture chips/mctext).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        lda #$1b
        sta $d011
        lda #$d8
        sta $d016
        lda #2
        sta $d022
        lda #5
        sta $d023
done:   jmp done
