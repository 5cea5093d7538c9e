; CLI and SEI change I after the interrupt poll of their own last cycle. (nesdev wiki,
; "CPU interrupts", "Delayed IRQ response after CLI, SEI, and PLP".)
; * With the IRQ line held low, CLI's poll still sees I set: the instruction after CLI
;   runs before the IRQ is taken.
; * SEI's poll sees I clear: a pending IRQ is taken right after SEI, and the P pushed by
;   the sequence already has I set (so RTI returns with I set).
;
; irq: from=0 until=20
; irq: from=26
; CLI (cycles 2-3) polls with I set; LDA #$01 (4-5) polls after 5 with I clear:
; sequence 6-12, handler at 13 stores A = $01 in cycle 16, RTI 17-22 (the line is
; released at 20; its poll after 22 cycles finds it high), back at 23.
; SEI (25-26) polls after 26 cycles with I still clear and the line low again:
; sequence 27-33, handler at 34 stores A = $02 in cycle 37, RTI 38-43 restores I set,
; so the line, still low, is ignored from then on.
;
; expect: reach irq = 13 34
; expect: reach ret1 = 23
; expect: writes $0300 = $01@16 $02@37
; Pushed P: $20 (I clear) after CLI+LDA; $24 (I set) after SEI.
; expect: writes $01fb = $20@10 $24@31
; Pushed return addresses $0204 (after the LDA) and $0207 (after SEI):
; expect: writes $01fc = $04@9 $07@30
; expect: a=$02 p=$24 cycles=44

        * = $0200
start:  nop                     ; 2    0->2    I set (power-on): the line is ignored
        cli                     ; 2    2->4
        lda #$01                ; 2    4->6
ret1:   lda #$02                ; 2   23->25   $0204
        sei                     ; 2   25->27   $0206
done:   jmp done                ;              $0207

irq:    sta $0300               ; 4
        rti                     ; 6

        * = $fffa
        .word start, start, irq
