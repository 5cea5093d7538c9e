; BRK and NMI: the NMOS "hijack". If NMI is asserted during the first four cycles of BRK,
; BRK still pushes its return address and P with B set, but then fetches the NMI vector
; ($FFFA) instead of $FFFE. Asserted later, BRK completes through $FFFE, the first
; instruction of its handler runs (an interrupt sequence never polls), and the NMI
; follows it. (Visual6502 wiki, "6502 BRK and B bit"; CPCWiki "6502", "Interrupt
; hijacking": "if NMI is asserted during the first 4 ticks of a BRK instruction".)
;
; BRK cycles: opcode, signature, push PCH, push PCL, push P, vector low, vector high.
; First BRK (cycles 0-6): the NMI line falls during its 4th cycle (seen from 4 on), the
; last one of the window: hijacked, NMI handler at 7 (INC 7-11, RTI 12-17), back at 18.
; nmi: from=4 until=10
; Second BRK (20-26): the line falls during its 5th cycle (the push of P, seen from 25):
; not hijacked. IRQ/BRK handler at 27; its INC (27-31) polls after 31 and finds the NMI
; latched: sequence 32-38, NMI handler at 39, its RTI (44-49) returns into the BRK
; handler, whose RTI (50-55) returns at 56.
; nmi: from=25 until=40
;
; expect: reach nmi = 7 39
; expect: reach irq = 27
; expect: reach back1 = 18
; expect: mem nmis = 2
; expect: mem brks = 1
; Both BRKs push P with B set ($34), the NMI inside the handler with B clear ($24):
; expect: writes $01fb = $34@4 $34@24
; expect: writes $01fc = $02@3 $05@23
; expect: writes $01f8 = $24@36
; expect: a=$00 s=$fd p=$24 cycles=56

        * = $0010
nmis:   .byte 0
brks:   .byte 0

        * = $0200
start:  brk                     ; 7    0->7    $0200: pushes $0202
        .byte $ff
back1:  nop                     ; 2   18->20   $0202
        brk                     ; 7   20->27   $0203: pushes $0205
        .byte $ff
done:   jmp done                ;              $0205, reached at 56

nmi:    inc nmis                ; 5
        rti                     ; 6

irq:    inc brks                ; 5   27->32
        rti                     ; 6   50->56

        * = $fffa
        .word nmi, start, irq
