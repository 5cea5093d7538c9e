; SID test program: voice 3's oscillator read back through OSC3 ($D41B).
;
; Voice 3 runs a sawtooth at frequency $3000 (its test bit first holds the phase at 0);
; the loop then reads OSC3 every 14 cycles, 256 times, into $C100 ($C200 = $01 when
; done). A sawtooth's OSC3 is the top 8 bits of the 24-bit phase, which grows by the
; frequency each cycle: the readings rise by $3000 × 14 / 65536 = 2.625 a step.

* = $c000
        jmp start
start:  sei
        lda #$0b                ; screen off: no bad lines between the readings
        sta $d011
.frame: lda $d012               ; from the next frame's line 0 on
        bne .frame
        lda $d011
        bmi .frame
        lda #0
        sta $c200
        lda #$00
        sta $d40e
        lda #$30
        sta $d40f
        lda #$08                ; test bit: phase held at 0
        sta $d412
        lda #$20                ; sawtooth, running
        sta $d412
        ldx #0
.read:  lda $d41b               ; 4 cycles
        sta $c100,x             ; 5
        inx                     ; 2
        bne .read               ; 3
        lda #1
        sta $c200
idle:   jmp idle
