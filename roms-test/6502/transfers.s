; Transfers, increments of X/Y, flag instructions and the stack instructions.
;
; MCS6500 programming manual: TAX TAY TXA TYA TSX set N and Z, TXS sets no flag; INX INY
; DEX DEY wrap and set N and Z; all of these and the flag instructions take 2 cycles.
; PHA/PHP 3 cycles, PLA/PLP 4; PHP pushes P with B and bit 5 set; PLP ignores the
; pulled B and bit 5 (B does not exist in P, bit 5 always reads 1) (64doc; Visual6502
; wiki, "6502 BRK and B bit"). BIT copies bits 7 and 6 of M to N and V.
;
; expect: mem res = $80 $80 $80 $3f $00 $fe
; PHP after TYA (Z): on the original stack
; expect: mem $01fd = $36
; Stack after TXS ($40): the P values pushed, bottom up from $0140:
; after TXS (Z kept), TSX ($3f), DEX ($ff: N), INX ($00: Z), SEC SED CLI, BIT $40 (V Z),
; CLV CLD CLC SEI; the last byte is the $00 pushed for the final PLP.
; expect: mem $0139 = $00 $36 $7b $3b $36 $b4 $34 $36
; PHA $ff / PLP / PHP: the $ff read back with B and bit 5 forced gives $ef in P, which
; PHP pushes as $ff again:
; expect: writes $0139 = $ff@105 $ff@112 $00@121
; expect: a=$00 x=$00 y=$fe s=$39 p=$20 cycles=126

        * = $0010
vbit:   .byte $40

        * = $0300
res:    .fill 6

        * = $0200
start:  lda #$80                ; 2    0->2
        tax                     ; 2    2->4    X = $80
        tay                     ; 2    4->6    Y = $80
        stx res+0               ; 4    6->10
        sty res+1               ; 4   10->14
        lda #$00                ; 2   14->16
        txa                     ; 2   16->18   A = $80
        sta res+2               ; 4   18->22
        ldy #$00                ; 2   22->24
        tya                     ; 2   24->26   A = $00: Z
        php                     ; 3   26->29   $36 at $01fd
        ldx #$40                ; 2   29->31
        lda #$00                ; 2   31->33   Z
        txs                     ; 2   33->35   S = $40, Z stays set
        php                     ; 3   35->38   $36 at $0140
        tsx                     ; 2   38->40   X = $3f: N and Z clear
        stx res+3               ; 4   40->44
        php                     ; 3   44->47   $34 at $013f
        ldy #$ff                ; 2   47->49
        iny                     ; 2   49->51   $00: Z
        sty res+4               ; 4   51->55
        dey                     ; 2   55->57   $ff
        dey                     ; 2   57->59   $fe: N
        sty res+5               ; 4   59->63
        ldx #$00                ; 2   63->65
        dex                     ; 2   65->67   $ff: N
        php                     ; 3   67->70   $b4 at $013e
        inx                     ; 2   70->72   $00: Z
        php                     ; 3   72->75   $36 at $013d
        sec                     ; 2   75->77
        sed                     ; 2   77->79
        cli                     ; 2   79->81
        php                     ; 3   81->84   $3b at $013c
        bit vbit                ; 3   84->87   V; A AND $40 = 0: Z
        php                     ; 3   87->90   $7b at $013b
        clv                     ; 2   90->92
        cld                     ; 2   92->94
        clc                     ; 2   94->96
        sei                     ; 2   96->98
        php                     ; 3   98->101  $36 at $013a
        lda #$ff                ; 2  101->103
        pha                     ; 3  103->106  $ff at $0139 (write in cycle 105)
        plp                     ; 4  106->110  P = $ef
        php                     ; 3  110->113  $ff at $0139 (cycle 112)
        pla                     ; 4  113->117  A = $ff
        lda #$00                ; 2  117->119
        pha                     ; 3  119->122  $00 at $0139 (cycle 121)
        plp                     ; 4  122->126  P = $20
done:   jmp done
