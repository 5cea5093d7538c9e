10 def fn f(x)=x*x+1:def fn g(y)=fn f(y)*2
20 x=9:print fn f(3);fn g(2);x
