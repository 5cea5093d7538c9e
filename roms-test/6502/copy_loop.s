; A real workload: copy 512 bytes with (zp),Y, counting every cycle.
;
; The source starts at $1080, so within each page of the copy LDA (src),Y crosses a page
; for Y = $80..$FF (128 times: 6 cycles) and not for Y = $00..$7F (128 times: 5 cycles).
; STA (dst),Y is always 6. (64doc / MCS6500 manual instruction timing.)
; One page: LDA 128*5 + 128*6 = 1408, STA 256*6 = 1536, INY 256*2 = 512,
; BNE 255*3 + 2 = 767: 4223 cycles. The page step: INC zp 5 + INC zp 5 + DEX 2 + BNE
; (3 taken, 2 not). Total: 4 + 4223 + 15 + 4223 + 14 = 8479.
;
; expect: reach next_page = 4227 8465
; expect: mem $2000 = $01 $5a
; expect: mem $20ff = $02 $03
; expect: mem $21fe = $5a $04 $00
; expect: mem src = $80 $12 $00 $22
; expect: a=$04 x=$00 y=$00 cycles=8479
; limit: 10000

        * = $0020
src:    .word $1080
dst:    .word $2000

        * = $1080
        .byte $01               ; offset 0
        .fill 254, $5a
        .byte $02               ; offset 255
        .byte $03               ; offset 256
        .fill 254, $5a
        .byte $04               ; offset 511

        * = $0200
start:  ldx #2                  ; 2    pages to copy
        ldy #0                  ; 2
loop:   lda (src),y             ; 5/6
        sta (dst),y             ; 6
        iny                     ; 2
        bne loop                ; 3/2  same page
next_page:
        inc src+1               ; 5
        inc dst+1               ; 5
        dex                     ; 2
        bne loop                ; 3/2
done:   jmp done
