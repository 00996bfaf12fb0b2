import { describe, expect, it } from 'vitest';
import { maskCard, maskIdNumber, maskName, maskPhone } from '../../../domain/masking.js';

describe('masking', () => {
  it('shows the first 6 and last 4 of an ID number', () => {
    expect(maskIdNumber('110105199001010021')).toBe('110105********0021');
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('12345')).toBe('*****');
  });

  it('shows the first 3 and last 4 of a mobile number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138-1234-1234')).toBe('138****1234');
  });

  it('shows only the last 4 of a card', () => {
    expect(maskCard('6222021001123456789')).toBe('**** **** **** 6789');
    expect(maskCard('4111 1111 1111 1234')).toBe('**** **** **** 1234');
  });

  it('keeps only the surname, compound surnames whole', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('司马光')).toBe('司马*');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('王')).toBe('王');
    expect(maskName('阿依古丽·买买提')).toBe('阿*******');
    expect(maskName('𠮷野家')).toBe('𠮷**');
  });
});
