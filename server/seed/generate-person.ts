/**
 * Generated, clearly fictional people for the seed: Chinese names from common surnames and given-name
 * characters, and phone numbers in the 170/171 virtual-operator ranges. Deterministic by key.
 * Phone numbers are personal data in the product: never log them.
 */
import { pickWeighted, unitRandom } from './unit-random.js';

/** Common surnames with rough relative frequencies (per mille of the population). */
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 72],
  ['李', 72],
  ['张', 68],
  ['刘', 54],
  ['陈', 45],
  ['杨', 31],
  ['黄', 23],
  ['赵', 23],
  ['吴', 21],
  ['周', 21],
  ['徐', 18],
  ['孙', 16],
  ['马', 15],
  ['朱', 14],
  ['胡', 13],
  ['郭', 12],
  ['何', 12],
  ['高', 11],
  ['林', 11],
  ['罗', 10],
  ['郑', 10],
  ['梁', 9],
  ['谢', 8],
  ['宋', 8],
  ['唐', 7],
  ['许', 7],
  ['韩', 7],
  ['冯', 7],
  ['邓', 7],
  ['曹', 6],
  ['彭', 6],
  ['曾', 6],
  ['肖', 6],
  ['田', 5],
  ['董', 5],
  ['袁', 5],
  ['潘', 5],
  ['于', 5],
  ['蒋', 5],
  ['蔡', 5],
  ['余', 5],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 4],
  ['魏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['沈', 4],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['金', 3],
  ['石', 3],
  ['廖', 3],
  ['贾', 3],
  ['夏', 3],
  ['韦', 3],
  ['方', 3],
  ['白', 2],
  ['邹', 2],
  ['孟', 2],
  ['熊', 2],
  ['秦', 2],
  ['邱', 2],
  ['江', 2],
  ['尹', 2],
  ['薛', 2],
  ['段', 2],
  ['雷', 2],
  ['侯', 2],
  ['龙', 2],
  ['史', 2],
  ['陶', 2],
  ['贺', 2],
  ['顾', 2],
  ['毛', 2],
  ['郝', 2],
  ['龚', 2],
  ['邵', 2],
  ['万', 2],
  ['钱', 2],
  ['严', 2],
  ['武', 2],
  ['戴', 2],
  ['孔', 1],
  ['汤', 1],
  ['葛', 1],
  ['缪', 1],
  ['濮', 1],
];

const GIVEN_CHARACTERS =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鹏飞俊峰健波宁雪梅琳晨欣怡' +
  '佳悦子涵思雨婷倩颖蕾瑶薇嘉晓东海林春秋志国庆新荣昌成永福玲燕云凤莉慧淑珍如月露晶鑫磊亮晖翔阳安';

export function generateChineseName(key: string): string {
  const surname = pickWeighted(`${key}:surname`, SURNAMES);
  const first = GIVEN_CHARACTERS[Math.floor(unitRandom(`${key}:given1`) * GIVEN_CHARACTERS.length)];
  if (unitRandom(`${key}:given-length`) < 0.25) return surname + first;
  const second = GIVEN_CHARACTERS[Math.floor(unitRandom(`${key}:given2`) * GIVEN_CHARACTERS.length)];
  return surname + first + second;
}

/** "170-xxxx-xxxx" or "171-xxxx-xxxx". */
export function generatePhoneNumber(key: string): string {
  const prefix = unitRandom(`${key}:prefix`) < 0.5 ? '170' : '171';
  const digits = String(Math.floor(unitRandom(`${key}:digits`) * 1e8)).padStart(8, '0');
  return `${prefix}-${digits.slice(0, 4)}-${digits.slice(4)}`;
}
