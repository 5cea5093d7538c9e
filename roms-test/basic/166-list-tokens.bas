10 ?"a";:goto20:if a=1 then rem x
20 a=sin(1)+int(2)and not 3
#then: list
