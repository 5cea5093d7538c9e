; Opened top and bottom borders: on line $F9, past the 24-row bottom comparison (line
; $F7) and before the 25-row one (line $FB), RSEL is cleared, so neither sets the
; vertical border flip-flop; RSEL is set back on line $10. Sprite 0 (yellow) sits in the
; bottom border (Y = 252) and sprite 1 (white) in the top border (Y = 30), both
; X-expanded. In the opened border the sequencer is idle and shows the byte at $3FFF,
; here $0F: black "1" pixels on the background colour (golden picture chips/border).
* = $c000
        jmp start
start:  sei
        lda #$0f
        sta $3fff
        lda #$7f
        sta $dc0d
        ldx #62
        lda #$ff
fill:   sta $0340,x
        dex
        bpl fill
        lda #13
        sta $07f8
        sta $07f9
        lda #160
        sta $d000
        lda #252
        sta $d001
        lda #100
        sta $d002
        lda #30
        sta $d003
        lda #0
        sta $d010
        lda #7
        sta $d027
        lda #1
        sta $d028
        lda #$03
        sta $d01d
        sta $d015
loop:   lda #$f9
w1:     cmp $d012
        bne w1
        lda #$13            ; 24 rows
        sta $d011
        lda #$10
w2:     cmp $d012
        bne w2
        lda #$1b            ; 25 rows
        sta $d011
        jmp loop
