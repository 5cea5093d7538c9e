; Extended background colour mode: character bits 6-7 choose one of four background
; colours (blue, red, green, yellow) (golden picture chips/ecm).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        lda #$5b
        sta $d011
        lda #$c8
        sta $d016
        lda #6
        sta $d021
        lda #2
        sta $d022
        lda #5
        sta $d023
        lda #7
        sta $d024
done:   jmp done
