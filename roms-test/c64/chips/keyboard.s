; Scans all eight keyboard matrix columns through CIA1 forever and stores the row
; byte read for column n at $C100+n (a zero bit is a held key).
* = $c000
        jmp start
start:  sei
        lda #$ff
        sta $dc02
        lda #$00
        sta $dc03
scan:   ldx #0
        lda #$fe
column: sta $dc00
        tay
        lda $dc01
        sta $c100,x
        tya
        sec
        rol a
        inx
        cpx #8
        bne column
        jmp scan
