; NMI is edge triggered and ignores I. (MCS6500 programming manual, chapter on
; interrupts: NMI reacts to a negative transition; nesdev wiki, "CPU interrupts": the
; edge detector latches the edge until the NMI is handled, so even a short pulse is
; serviced, and it is polled at the same point as IRQ.)
;
; A line held low for a long time gives one NMI; a one-cycle pulse gives one too.
; nmi: from=5 until=40
; nmi: from=50 until=51
; The NOP at cycles 4-5 polls after 5 cycles, when the edge has been latched: sequence
; 6-12 via $FFFA, handler at 13 (INC 13-17, RTI 18-23), back at 24. NOPs follow from
; $0203; the pulse is latched at the end of cycle 49, after the poll of the NOP at 48-49,
; so the NOP at 50-51 ($0210) is followed by the NMI: sequence 52-58, handler at 59,
; back at 70 to $0211.
;
; expect: reach nmi = 13 59
; expect: reach back1 = 24
; expect: mem count = 2
; expect: writes $01fc = $03@9 $11@55
; Pushed P: $24 (I set: NMI is taken anyway, B clear)
; expect: writes $01fb = $24@10 $24@56
; expect: cycles=74

        * = $0010
count:  .byte 0

        * = $0200
start:  nop                     ; 2    0->2
        nop                     ; 2    2->4
        nop                     ; 2    4->6    polls after 5: NMI
back1:  .fill 16, $ea           ; 16 NOPs, $0203-$0212
done:   jmp done

nmi:    inc count               ; 5
        rti                     ; 6

irq:    jmp irq                 ; never used

        * = $fffa
        .word nmi, start, irq
