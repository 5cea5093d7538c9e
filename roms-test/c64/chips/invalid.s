; An invalid mode (ECM and MCM together, text): the display window is all black,
; the border as usual (golden picture chips/invalid).
* = $c000
        jmp start
start:  sei
        .include "cells.inc"
        lda #$5b
        sta $d011
        lda #$d8
        sta $d016
done:   jmp done
