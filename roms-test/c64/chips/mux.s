; A simple sprite multiplexer: the eight sprites are shown at Y = 60 and, once the
; raster has passed them (line 100), moved down to Y = 140 and recoloured, so 16
; sprites are on screen; at line $F8 they are moved back up for the next frame
; (golden picture chips/mux).
* = $c000
        jmp start
start:  sei
        lda #$7f
        sta $dc0d
        ldx #62
        lda #$ff
fill:   sta $0340,x
        dex
        bpl fill
        ldx #7
setup:  lda #13
        sta $07f8,x
        txa
        asl a
        tay
        asl a
        asl a
        asl a
        adc #24             ; X = 24 + 32 * n (carry clear: n * 32 < 256)
        sta $d000,y
        dex
        bpl setup
        lda #0
        sta $d010
        lda #$ff
        sta $d015
loop:   lda #$f8
w1:     cmp $d012
        bne w1
        ldx #60
        ldy #2
        jsr place
        lda #100
w2:     cmp $d012
        bne w2
        ldx #140
        ldy #8
        jsr place
        jmp loop

; Moves all sprites to Y = X, colours Y, Y+1, ...
place:  txa
        ldx #14
py:     sta $d001,x
        dex
        dex
        bpl py
        ldx #0
pc:     tya
        sta $d027,x
        iny
        inx
        cpx #8
        bne pc
        rts
