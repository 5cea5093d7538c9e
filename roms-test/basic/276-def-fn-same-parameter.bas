10 def fn f(x)=x+1:def fn g(x)=fn f(x*2)
20 x=5:print fn g(3);x
