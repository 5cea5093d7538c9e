; Heirloom's open ROM: BASIC ($A000-$BFFF, continued at $E000-$E4D2) and the KERNAL
; ($E000-$FFFF), assembled together so that each can name the other's routines.
        .include "basic.s"
        .include "kernal.s"
