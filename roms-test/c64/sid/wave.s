; SID test program: voice 1 plays one waveform, held, at a known frequency.
; Constants given ahead by the test: WAVE (the control register's waveform bits) and
; FREQ (the 16-bit frequency register). Pulse width 50 %, full sustain, full volume.

* = $c000
        jmp start
start:  sei
        lda #0
        ldx #$18
.clear: sta $d400,x
        dex
        bpl .clear
        lda #<FREQ
        sta $d400
        lda #>FREQ
        sta $d401
        lda #$00                ; pulse width $800: a square wave
        sta $d402
        lda #$08
        sta $d403
        lda #$00                ; attack 2 ms, decay 6 ms
        sta $d405
        lda #$f0                ; sustain 15, release 6 ms
        sta $d406
        lda #$0f
        sta $d418
        lda #WAVE + 1
        sta $d404
idle:   jmp idle
