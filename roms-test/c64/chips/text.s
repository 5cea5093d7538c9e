; Standard text mode: 256 characters in 16 colours (golden picture chips/text).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        lda #$1b
        sta $d011
        lda #$c8
        sta $d016
done:   jmp done
