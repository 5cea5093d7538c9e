; Stolen cycles measured with CIA1 timer A (one-shot, counting down from $FFFF).
; The same fixed loop (2 + 5*N - 1 cycles) is timed three times, each started just
; after raster line $32 begins, with no interrupts:
;   $C100/1: display on (YSCROLL 3, so line $33 is a bad line), no sprites
;   $C102/3: display blanked ($D011 bit 4 off: no bad lines), no sprites
;   $C104/5: display blanked, all 8 sprites on lines $20..$40 (Y-expanded)
; Each result is the timer value read after the loop (low, high).
* = $c000
        jmp start
start:  sei
        lda #$7f
        sta $dc0d
        lda $dc0d
        lda #$00
        sta $d015
        ldx #0
        jsr measure
        lda #$0b
        sta $d011
        ldx #2
        jsr measure
        ; eight sprites, all on the same lines
        ldy #14
        lda #$20
ys:     sta $d001,y
        dey
        dey
        bpl ys
        lda #$ff
        sta $d017
        sta $d015
        ldx #4
        jsr measure
        lda #$aa
        sta $c1ff
done:   jmp done

; Waits for line $31 then $32, times the loop, stores the timer at $C100+X.
measure:
        lda #$31
w1:     cmp $d012
        bne w1
        lda #$32
w2:     cmp $d012
        bne w2
        lda #$ff
        sta $dc04
        sta $dc05
        lda #$19        ; force load, one-shot, start
        sta $dc0e
        ldy #38
loop:   dey
        bne loop
        lda $dc04
        sta $c100,x
        lda $dc05
        sta $c101,x
        rts
