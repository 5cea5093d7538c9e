; SID test program: envelope levels read back through ENV3 ($D41C) a known number of
; cycles after the gate opens, for each attack rate of the table at RATES; then the ADSR
; delay bug.
;
; The screen is off (no bad lines) and interrupts masked; CIA 1 timer A in one-shot mode
; times every wait, so the SID's cycles and the waits agree however the CPU loops.
;
; Results at $C200:
;   $C200+n  ENV3 20000 cycles after the gate opened with attack rate RATES[n]
;   $C210    ENV3 5000 cycles after switching from attack rate 15 (whose rate counter had
;            run 20000 cycles) to attack rate 0: still 0, as the counter must first wrap
;            at $7FFF (the delay bug); without the bug it would be 255
;   $C211    ENV3 25000 cycles after the switch: the attack has completed (255)
;   $C220    $01 when the program is done

* = $c000
        jmp start
start:  sei
        lda #$0b                ; screen off: no bad lines steal cycles
        sta $d011
        lda #$7f
        sta $dc0d
        lda #0
        sta $c220
        ldx #$18
.clear: sta $d400,x
        dex
        bpl .clear
        jsr settle
        ldx #0
.rate:  stx index
        lda rates,x
        asl a
        asl a
        asl a
        asl a
        sta $d413               ; attack rate n, decay 0
        lda #$f0
        sta $d414               ; sustain 15, release 0
        lda #<20000
        ldy #>20000
        jsr arm
        ldx #$19                ; timer A: one-shot, force load, start
        lda #$11
        sta $d412               ; gate on (triangle)
        stx $dc0e
        jsr expire
        lda $d41c
        ldx index
        sta $c200,x
        jsr settle
        ldx index
        inx
        cpx #RATE_COUNT
        bne .rate

        ; The delay bug: attack 15's counter runs 20000 cycles, then attack 0.
        lda #$f0
        sta $d413
        lda #<20000
        ldy #>20000
        jsr arm
        ldx #$19
        lda #$11
        sta $d412
        stx $dc0e
        jsr expire
        lda #<5000
        ldy #>5000
        jsr arm
        ldx #$19
        lda #$00
        sta $d413               ; attack 0, decay 0
        stx $dc0e
        jsr expire
        lda $d41c
        sta $c210
        lda #<20000
        ldy #>20000
        jsr arm
        ldx #$19
        stx $dc0e
        jsr expire
        lda $d41c
        sta $c211
        lda #1
        sta $c220
idle:   jmp idle

; Closes the gate with release 0 and waits 65535 cycles: the envelope is back at 0 and
; the rate counter cycles below 9.
settle: lda #$00
        sta $d413
        lda #$f0
        sta $d414
        lda #$10
        sta $d412
        lda #$ff
        ldy #$ff
        jsr arm
        ldx #$19
        stx $dc0e
        ; fall through

; Waits for timer A to underflow.
expire: lda $dc0d
        and #$01
        beq expire
        rts

; Loads timer A's latch with A (low) and Y (high) and clears a pending underflow.
arm:    sta $dc04
        sty $dc05
        lda #$08                ; stopped, one-shot
        sta $dc0e
        lda $dc0d
        rts

index:  .byte 0
rates:  .byte 5, 6, 7, 8, 9, 10
RATE_COUNT = 6
