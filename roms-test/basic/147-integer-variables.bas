10 a%=7/2:b%=-3:c%=a%*b%:print a%;b%;c%
20 print a%/2
