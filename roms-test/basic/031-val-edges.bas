10 print val("  -12.5e1x");val("1e");val(".");val("3 4");val("")
