; SID test program: voice 1's noise through the low-pass filter at cutoff FC (11 bits,
; given ahead by the test), resonance 0, full volume.

* = $c000
        jmp start
start:  sei
        lda #0
        ldx #$18
.clear: sta $d400,x
        dex
        bpl .clear
        lda #$ff
        sta $d400
        lda #$ff                ; the highest noise clock: a flat spectrum
        sta $d401
        lda #$00
        sta $d405
        lda #$f0
        sta $d406
        lda #FC - FC / 8 * 8
        sta $d415
        lda #FC / 8
        sta $d416
        lda #$01                ; voice 1 into the filter
        sta $d417
        lda #$1f                ; low pass, full volume
        sta $d418
        lda #$81                ; noise, gate on
        sta $d404
idle:   jmp idle
