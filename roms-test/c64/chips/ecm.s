; Extended background colour mode: character bits 6-7 choose one of four background
; colours (blue, red, green, yellow) (golden picture chips/ecm).
* = $c000
        jmp start
start:  sei
; screen: character n at cell n (mod 256); colour RAM: the cell index mod 16
        ldx #0
fill:   txa
        sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        sta $d800,x
        sta $d900,x
        sta $da00,x
        sta $dae8,x
        inx
        bne fill
        lda #$5b
        sta $d011
        lda #$c8
        sta $d016
        lda #6
        sta $d021
        lda #2
        sta $d022
        lda #5
        sta $d023
        lda #7
        sta $d024
done:   jmp done
