10 ti$="123456":print left$(ti$,4)
20 ti$="000000":print ti<60
