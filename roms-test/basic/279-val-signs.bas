10 print val("1.5e+2");val(" - 5");val("+3")
