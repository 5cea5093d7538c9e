; Sprite-sprite and sprite-background collisions. Sprites 0 and 1 (solid) overlap each
; other on top of character $FF cells; sprite 2 (solid) sits alone over empty cells
; (character 0, all background). After two frames the program stores $D01E at $C100,
; $D01F at $C101 and $D019 at $C102 (with both collision interrupts enabled in $D01A,
; under SEI so the flags stay latched), then a second read of $D01E/$D01F (which clears
; them on reading) at $C103/$C104.
* = $c000
        jmp start
start:  sei
        lda #$7f
        sta $dc0d
        ; clear the screen to character 0, then a block of character $FF
        ldx #0
        lda #0
clr:    sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        inx
        bne clr
        ldx #0
        lda #$ff
row:    sta $04c8+8,x       ; rows 5..10, columns 8..15
        sta $04f0+8,x
        sta $0518+8,x
        sta $0540+8,x
        sta $0568+8,x
        sta $0590+8,x
        inx
        cpx #8
        bne row
        ; solid sprite data in block 13 ($0340)
        ldx #62
fill:   sta $0340,x
        dex
        bpl fill
        lda #13
        sta $07f8
        sta $07f9
        sta $07fa
        lda #100
        sta $d000
        sta $d001
        lda #110
        sta $d002
        lda #105
        sta $d003
        lda #250
        sta $d004
        lda #180
        sta $d005
        lda #0
        sta $d010
        lda #1
        sta $d027
        lda #7
        sta $d028
        sta $d029
        lda #$07
        sta $d015
        lda #$06
        sta $d01a
        lda $d01e
        lda $d01f
        lda #$ff
        sta $d019
        ; wait for two frames (line $f8 twice)
        ldx #2
frame:  lda #$f8
wa:     cmp $d012
        bne wa
wb:     cmp $d012
        beq wb
        dex
        bne frame
        lda $d01e
        sta $c100
        lda $d01f
        sta $c101
        lda $d019
        sta $c102
        lda $d01e
        sta $c103
        lda $d01f
        sta $c104
        lda #$aa
        sta $c1ff
done:   jmp done
