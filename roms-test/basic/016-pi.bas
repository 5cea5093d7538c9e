10 print {pi};{pi}*2
20 a={pi}:print a-3>.14
