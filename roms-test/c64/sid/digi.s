; SID test program: a square wave played through the master volume ($D418) alone, the
; "digi" trick: no voice sounds, the volume steps between 0 and 15 every HALF cycles
; (CIA 1 timer A, continuous), so the tone's period is 2 × HALF cycles.

* = $c000
        jmp start
start:  sei
        lda #0
        ldx #$18
.clear: sta $d400,x
        dex
        bpl .clear
        lda #$7f
        sta $dc0d
        lda #<(HALF - 1)
        sta $dc04
        lda #>(HALF - 1)
        sta $dc05
        lda #$11                ; continuous, force load, start
        sta $dc0e
.loop:  lda #$0f
        jsr .step
        lda #$00
        jsr .step
        jmp .loop
.step:  tay
.wait:  lda $dc0d
        and #$01
        beq .wait
        sty $d418
        rts
