; Shifts, rotates, INC and DEC on memory and on A, with the dummy write.
;
; A read-modify-write instruction reads the operand, writes it back unchanged (the
; "dummy write", while the ALU works) and then writes the result: 64doc, "Read-Modify-
; Write instructions" (zp 5 cycles, zp,X 6, abs 6, abs,X always 7). The two writes are
; the last two cycles of the instruction. Accumulator forms take 2 cycles.
;
; expect: writes $0300 = $41@8 $82@9
; expect: writes $0302 = $03@15 $01@16
; expect: writes $10 = $81@20 $03@21
; expect: writes $11 = $01@26 $80@27
; expect: writes $0400 = $ff@33 $00@34
; expect: writes $0303 = $00@39 $ff@40
; expect: writes $0304 = $01@54
; expect: mem $0300 = $82 $00 $01 $ff $01
; expect: mem $10 = $03 $80
; expect: mem $0400 = $00
; expect: a=$01 x=$01 p=$24 flags=nvdIzc cycles=55

        * = $0010
zv:     .byte $81, $01          ; $10, $11

        * = $0300
        .byte $41, $00, $03, $00
        * = $0400
        .byte $ff

        * = $0200
start:  ldx #$01                ; 2    0->2
        clc                     ; 2    2->4
        asl $0300               ; 6    4->10   $41 -> $82, C clear
        lsr $0301,x             ; 7   10->17   $0302: $03 -> $01, C set
        rol zv                  ; 5   17->22   $81 -> $03 (C in), C set
        ror zv,x                ; 6   22->28   $11: $01 -> $80 (C in), C set
        inc $03ff,x             ; 7   28->35   $0400: $ff -> $00 (crossing: no extra cycle)
        dec $0303               ; 6   35->41   $00 -> $ff
        lda #$81                ; 2   41->43
        asl a                   ; 2   43->45   $02, C set
        rol a                   ; 2   45->47   $05, C clear
        ror a                   ; 2   47->49   $02, C set
        lsr a                   ; 2   49->51   $01, C clear
        sta $0304               ; 4   51->55   one write, in the last cycle
done:   jmp done
