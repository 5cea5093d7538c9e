; Heirloom's own test tune: a whole PSID file written as 6502 source, so the assembler's
; output (from the header's first byte) is the .sid file itself.
;
; Sub-tune 1: A4 (SID frequency 7493, 440.0 Hz at 985,248 Hz) on voice 1's triangle,
;             played at the vertical blank (50 Hz).
; Sub-tune 2: A5 (14986, 880.1 Hz), its play routine timed by CIA 1 (60 Hz).
; Init keeps the sub-tune it was called with at $C000; play counts its calls at
; $C001/$C002, so a test can tell how often it runs.

LOAD = $1000

* = LOAD - $7c - 2
        .byte "PSID"
        .byte 0, 2              ; version 2
        .byte 0, $7c            ; data offset
        .byte 0, 0              ; load address: the two bytes before the data
        .byte >init, <init
        .byte >play, <play
        .byte 0, 2              ; two sub-tunes
        .byte 0, 1              ; starting with the first
        .byte 0, 0, 0, %10      ; sub-tune 2 is timed by CIA 1
name:   .byte "Heirloom Test Tune"
        .fill name + 32 - *
author: .byte "Heirloom"
        .fill author + 32 - *
date:   .byte "2026 Heirloom"
        .fill date + 32 - *
        .byte 0, %00010100      ; flags: PAL, 6581
        .byte 0, 0              ; no page reserved for the driver
        .byte 0, 0              ; no second or third SID
        .word LOAD

init:   sta $c000
        tax
        lda #0
        sta $c001
        sta $c002
        lda freq_lo,x
        sta $d400
        lda freq_hi,x
        sta $d401
        lda #$00                ; attack 2 ms, decay 6 ms
        sta $d405
        lda #$f0                ; sustain at full level
        sta $d406
        lda #$0f                ; full volume, no filter
        sta $d418
        lda #$11                ; triangle, gate on
        sta $d404
        rts

play:   inc $c001
        bne .done
        inc $c002
.done:  rts

freq_lo: .byte <7493, <14986
freq_hi: .byte >7493, >14986
