10 a=fre(0):dim b(99),c$(9),d%(9):print a-fre(0)
20 a=fre(0):dim e(2,3):print a-fre(0)
