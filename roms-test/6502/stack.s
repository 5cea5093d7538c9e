; JSR/RTS, BRK/RTI and what they leave on the stack; the NMOS JMP ($xxFF) bug.
;
; JSR (6 cycles) pushes the address of its own last byte, high byte first; RTS (6) pulls
; it and adds one. BRK (7) pushes the address of BRK + 2 (the byte after BRK is skipped)
; and P with B set, sets I and jumps through $FFFE; RTI (6) pulls P (B ignored) and the
; address, without adding one. (MCS6500 programming manual ch. 8-9; 64doc.)
; JSR's cycles: opcode, low byte, dummy stack read, push PCH, push PCL, high byte.
; BRK's: opcode, signature byte, push PCH, push PCL, push P, vector low, vector high.
; JMP ($08FF) on the NMOS 6502 takes the high byte from $0800, not $0900: the pointer's
; low byte is incremented without carry into its high byte (64doc, "Absolute indirect
; addressing": the page boundary crossing is not handled; fixed only in the 65C02).
;
; In the subroutine: S, the A it returns, and the return address it found on the stack.
; expect: mem $0300 = $fd $22 $08 $02
; In the BRK handler: S, then P as PHP pushes it there (I and C set, B set by PHP, N set
; by TSX of $fc).
; expect: mem $0304 = $fc $b5
; After RTI: the P that RTI restored (C set again, I clear), as pushed by PHP.
; expect: mem $0306 = $31
; expect: writes $01ff = $02@11 $02@52 $31@84
; expect: writes $01fe = $08@12 $0f@53
; expect: writes $01fd = $31@54
; expect: writes $01fc = $b5@65
; expect: reach ret1 = 44
; expect: reach irq = 57
; expect: reach after = 82
; expect: reach wrong =
; expect: a=$31 x=$fc y=$00 s=$ff p=$21 cycles=98

        * = $0200
start:  cli                     ; 2    0->2    $0200
        ldx #$ff                ; 2    2->4
        txs                     ; 2    4->6
        lda #$11                ; 2    6->8
        jsr sub                 ; 6    8->14   $0206: pushes $0208
ret1:   sta $0301               ; 4   44->48   $0209
        sec                     ; 2   48->50   $020c
        brk                     ; 7   50->57   $020d: pushes $020f and P = $31
        .byte $ff               ;              signature byte, skipped
after:  php                     ; 3   82->85   $020f
        pla                     ; 4   85->89
        sta $0306               ; 4   89->93
        jmp ($08ff)             ; 5   93->98

sub:    tsx                     ; 2   14->16
        stx $0300               ; 4   16->20
        lda $0101,x             ; 4   20->24   $01fe: return address, low
        sta $0302               ; 4   24->28
        lda $0102,x             ; 4   28->32   $01ff: high
        sta $0303               ; 4   32->36
        lda #$22                ; 2   36->38
        rts                     ; 6   38->44

irq:    tsx                     ; 2   57->59
        stx $0304               ; 4   59->63
        php                     ; 3   63->66
        pla                     ; 4   66->70
        sta $0305               ; 4   70->74
        clc                     ; 2   74->76
        rti                     ; 6   76->82

        * = $0800
        .byte >done             ; the NMOS chip takes the high byte from here
        * = $08ff
        .byte <done
        * = $0900
        .byte >wrong            ; a 65C02 would take it from here

        * = $0a00
done:   jmp done
        * = $0b00
wrong:  jmp done

        * = $fffa
        .word start, start, irq
