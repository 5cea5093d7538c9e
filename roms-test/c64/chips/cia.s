; CIA1 timers and TOD, interrupts masked (the ICR flags latch without an IRQ).
;   $C100: ICR after a one-shot timer A of 20 cycles ran out (TA flag, bit 0)
;   $C101: CRA after that (one-shot: the start bit has cleared itself)
;   $C102: CRA of a continuous timer A after several periods (still started)
;   $C103/4: timer B (low, high) after counting timer A underflows: A runs continuously
;            with a 100-cycle period (latch 99) for about 10,070 cycles, so B, loaded with
;            $FFFF, has counted 100 underflows: $FF9B
;   $C105: ICR after that: only the TA flag (bit 0), B never reached 0
;   $C106: frames counted (line $F8 passes) until the TOD alarm set to 00:00:01.0 fired
;   $C107-$C10A: the TOD time read when the alarm fired (tenths, seconds, minutes, hours)
* = $c000
        jmp start
start:  sei
        lda #$0b            ; blank the screen: no bad lines
        sta $d011
        lda #$7f
        sta $dc0d
        lda #0
        sta $dc0e
        sta $dc0f
        lda $dc0d
        ; one-shot timer A, 20 cycles
        lda #20
        sta $dc04
        lda #0
        sta $dc05
        lda #$19
        sta $dc0e
        ldy #20
w1:     dey
        bne w1
        lda $dc0d
        sta $c100
        lda $dc0e
        sta $c101
        ; continuous timer A
        lda #$11
        sta $dc0e
        ldy #20
w2:     dey
        bne w2
        lda $dc0e
        sta $c102
        lda #0
        sta $dc0e
        lda $dc0d
        ; cascade: B counts A underflows
        lda #99
        sta $dc04
        lda #0
        sta $dc05
        lda #$ff
        sta $dc06
        sta $dc07
        lda #$51            ; force load, count TA underflows, start
        sta $dc0f
        lda #$11            ; force load, continuous, start
        sta $dc0e
        ; 10 passes of 2 + (5 * 200 - 1) + 5 cycles, less the last branch: 10,059
        ; cycles, about 10,070 from the start of A to its stop (100 underflows,
        ; 30 cycles clear of a 101st)
        ldx #10
o3:     ldy #200
w3:     dey
        bne w3
        dex
        bne o3
        lda #0
        sta $dc0e           ; stop A
        lda $dc06
        sta $c103
        lda $dc07
        sta $c104
        lda $dc0d
        sta $c105
        ; TOD: 50 Hz input, alarm at 00:00:01.0, clock set to 00:00:00.0
        lda #$80
        sta $dc0e
        lda #$80
        sta $dc0f           ; writes go to the alarm
        lda #$00
        sta $dc0b
        sta $dc0a
        lda #$01
        sta $dc09
        lda #$00
        sta $dc08
        lda #$00
        sta $dc0f           ; writes go to the clock
        sta $dc0b           ; hours: stops the clock
        sta $dc0a
        sta $dc09
        sta $dc08           ; tenths: starts it
        lda $dc0d
        ldx #0
frame:  lda #$f8
wa:     cmp $d012
        bne wa
wb:     cmp $d012
        beq wb
        inx
        lda $dc0d
        and #$04
        beq frame
        stx $c106
        lda $dc0b           ; hours first: latches the time
        sta $c10a
        lda $dc0a
        sta $c109
        lda $dc09
        sta $c108
        lda $dc08           ; tenths: releases the latch
        sta $c107
        lda #$aa
        sta $c1ff
done:   jmp done
