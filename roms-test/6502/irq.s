; IRQ latency. The 6502 polls the interrupt lines before the last cycle of every
; instruction: a line asserted by the end of the second-to-last cycle is taken after
; that instruction, one asserted later only after the next one. The sequence takes 7
; cycles (two dummy reads at PC, push PCH, PCL, P with B clear, vector low, high) and
; sets I. (nesdev wiki, "CPU interrupts": the IRQ level is sampled every cycle and
; polled during the final cycle of an instruction; 64doc, "Interrupts", for the
; 7-cycle sequence.)
;
; A line "from=K" is first seen by a poll made once K cycles have completed.
; The first window starts during NOP #4 (cycles 10-11): its poll, after 11 cycles, sees
; it, so the sequence runs in cycles 12-18 and the handler starts at 19.
; irq: from=11 until=30
; The second window starts at 40: the NOP at 38-39 polls after 39 cycles (too early),
; the one at 40-41 after 41: sequence 42-48, handler at 49.
; irq: from=40 until=60
; Each RTI (6 cycles) polls after its 5th cycle, when the line is already released.
;
; expect: reach irq = 19 49
; expect: reach back1 = 36
; expect: reach back2 = 66
; Return addresses $0206 and $0209 (PCL), P = $21 (C set, B and I clear):
; expect: writes $01fd = $02@14 $02@44
; expect: writes $01fc = $06@15 $09@45
; expect: writes $01fb = $21@16 $21@46
; Inside the handler PHP sees I set (and pushes B):
; expect: writes $01fa = $35@21 $35@51
; expect: mem $0300 = $35
; expect: s=$fd p=$21 cycles=68

        * = $0200
start:  sec                     ; 2    0->2    $0200
        cli                     ; 2    2->4
        nop                     ; 2    4->6
        nop                     ; 2    6->8
        nop                     ; 2    8->10
        nop                     ; 2   10->12   polls after 11: IRQ
back1:  nop                     ; 2   36->38   $0206
        nop                     ; 2   38->40
        nop                     ; 2   40->42   polls after 41: IRQ
back2:  nop                     ; 2   66->68   $0209
done:   jmp done

irq:    php                     ; 3   19->22 / 49->52
        pla                     ; 4
        sta $0300               ; 4
        rti                     ; 6   30->36 / 60->66

        * = $fffa
        .word start, start, irq
