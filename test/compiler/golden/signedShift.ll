define internal i64 @golden.signedShift(i64 %a0, i64 %a1) #0 {
entry:
  %v.a.0 = alloca i64, align 8
  %v.n.1 = alloca i64, align 8
  store i64 %a0, ptr %v.a.0
  store i64 %a1, ptr %v.n.1
  %t2 = load i64, ptr %v.a.0
  %t3 = load i64, ptr %v.n.1
  %t4 = icmp ugt i64 %t3, 63
  %t5 = select i1 %t4, i64 63, i64 %t3
  %t6 = ashr i64 %t2, %t5
  ret i64 %t6
}
